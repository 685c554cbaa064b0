"""SISA: sharded training, so unlearning retrains only the shards that held the data.

Bourtoule et al. 2021 (Machine Unlearning) split the training set into disjoint
shards, train one constituent model per shard and aggregate their outputs; deleting
a point retrains only its shard. Here shards are by person (a stable hash of the
entity name), each constituent is ``base_model`` trained on its shard with the
retraining recipe, and the ensemble averages the constituents' next-token
probabilities. Trained shards are cached (``$OBLIVIATE_HOME/models/sisa-shard-*``) by a hash of their data, so the "before"
ensemble (forget people included) is trained once; unlearning retrains exactly the
shards that contain a forget person (``last_retrained``) and reuses the others. Slicing
(checkpoints inside a shard) is not implemented: with a few shards a retrain is a
whole shard. Exact: no constituent of the result ever saw a forget item.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from obliviate.errors import EmptySplitError, ObliviateError
from obliviate.methods.registry import Intention, register
from obliviate.methods.retrain import Retrain, RetrainConfig, placement, resolve_reading, train_on_pairs
from obliviate.models.artifact import ShardEnsemble, make_wrapper
from obliviate.models.load import LanguageModel, load_model
from obliviate.models.tiny import RECIPE_VERSION
from obliviate.training import qa_pairs


@dataclass
class SISAConfig(RetrainConfig):
    shards: int = 2               # few shards: each must memorize its people from scratch


def shard_of(entity: str, shards: int) -> int:
    """The shard a person's items belong to (stable across runs and machines)."""
    return int(hashlib.sha256(entity.encode()).hexdigest(), 16) % shards


@register("sisa", intention=Intention.EXACT, family="retraining",
          reference="Bourtoule et al. 2021, Machine Unlearning (SISA)")
class SISA(Retrain):
    """Shard by person; retrain only the shards that held a forget person."""

    Config = SISAConfig

    def _shard(self, base_dir: str, pairs: list[tuple[str, str]], shard: int, progress,
               where: dict) -> tuple[Path, bool]:
        """A constituent trained on ``pairs`` (cached by data + recipe); returns (path, trained)."""
        from obliviate.models.cache import cached

        cfg = self.config
        key = {"base": str(Path(base_dir).resolve()), "pairs": pairs,
               "recipe": {k: v for k, v in asdict(cfg).items() if k != "base_model"},
               "version": RECIPE_VERSION}
        if where["dtype"] != torch.float32:
            key["dtype"] = str(where["dtype"])
        trained = []

        def build(tmp: Path) -> None:
            lm = load_model(base_dir, **where)
            train_on_pairs(lm.model, lm.tokenizer, pairs, cfg, progress, reading_offset=1000 * shard)
            lm.model.save_pretrained(tmp, safe_serialization=True)
            lm.tokenizer.save_pretrained(tmp)
            trained.append(shard)

        path, _ = cached("sisa-shard", key, build)
        return Path(path), bool(trained)

    def run(self, lm, forget, retain, progress=None, checkpoint=None):
        cfg = self.config
        if not cfg.base_model:
            raise ObliviateError("sisa needs base_model=DIR: the checkpoint every shard starts from")
        if cfg.shards < 1:
            raise ObliviateError(f"sisa shards must be >= 1, got {cfg.shards}")
        if not retain:
            raise EmptySplitError("sisa needs a retain set: it is the shards' training data")
        # Resolved before the shard cache keys are made: the key holds the count actually used.
        cfg.reading_per_epoch = resolve_reading(cfg)
        if not all(i.entity for i in [*forget, *retain]):
            raise ObliviateError("sisa shards by person: every item needs an 'entity' field")
        forget_ids = {id(i) for i in forget}
        everything = [*retain, *forget]
        affected = sorted({shard_of(i.entity, cfg.shards) for i in forget})
        where = placement(lm)   # shards train and load on lm's device, in its dtype
        paths, self.last_retrained, self.last_trained_before = [], [], []
        for shard in range(cfg.shards):
            mine = [i for i in everything if shard_of(i.entity, cfg.shards) == shard]
            # The "before" constituent: trained once on its full shard, then cached.
            before, trained = self._shard(cfg.base_model, qa_pairs(mine), shard, progress,
                                           where)
            if trained:
                self.last_trained_before.append(shard)
            if shard in affected:
                kept = [i for i in mine if id(i) not in forget_ids]
                after, trained = self._shard(cfg.base_model, qa_pairs(kept), shard, progress,
                                              where)
                if trained:
                    self.last_retrained.append(shard)
                paths.append(after)
            else:
                paths.append(before)
        models = [load_model(p, **where).model for p in paths]
        state = {"shards": cfg.shards, "affected": affected, "retrained": self.last_retrained}
        wrapper = make_wrapper("sisa", "sisa", cfg, state, base_model=None)
        return LanguageModel(ShardEnsemble(models), lm.tokenizer, path=None, wrapper=wrapper)
