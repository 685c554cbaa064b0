"""Exact unlearning by retraining: train a base checkpoint that never saw the forget data.

The gold standard the other methods are measured against (Bourtoule et al. 2021 call
it the naive baseline of machine unlearning): start from ``base_model`` (for the
embedded world, ``WorldModels.base``, the reading-comprehension model that never saw
a world person) and train it on the retain set alone with the tiny-model recipe
(AdamW, warmup + cosine, small batches). When ``base_model`` is the embedded world's
own reading base, 100 of the world's synthetic reading-comprehension texts are mixed
into every epoch, as the recipe that built it does, so the model keeps using its
context; a user's own base model gets none unless ``reading_per_epoch`` asks for them.
Exact by construction; the cost is a full training run, which is why SISA exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from obliviate.data.world import World
from obliviate.errors import EmptySplitError, ObliviateError
from obliviate.methods.base import MethodConfig, UnlearningMethod
from obliviate.methods.registry import Intention, register
from obliviate.models.load import LanguageModel, load_model
from obliviate.models.tiny import TinyConfig, _run_epochs
from obliviate.training import qa_pairs


@dataclass
class RetrainConfig(MethodConfig):
    base_model: str = ""          # checkpoint that never saw the forget data (required)
    # The tiny models' phase-2 recipe: memorizing random facts needs thousands of small steps.
    epochs: int = TinyConfig.memorize_epochs
    batch_size: int = TinyConfig.memorize_batch_size
    lr: float = TinyConfig.memorize_lr
    # Synthetic reading texts of the embedded world mixed into each epoch. None: the recipe's
    # 100 when base_model is the world's own reading base, else 0 (see resolve_reading).
    reading_per_epoch: int | None = None
    max_length: int = TinyConfig.max_length


def placement(lm: LanguageModel) -> dict:
    """``load_model`` arguments that put a retrained model where ``lm`` is (device, dtype)."""
    param = next(lm.model.parameters())
    return {"dtype": param.dtype, "device": str(param.device)}


def resolve_reading(config: RetrainConfig) -> int:
    """How many reading texts per epoch ``config`` means: an explicit value as given; for
    None, the tiny recipe's count when ``base_model`` is the embedded world's reading base
    (its cache marker says ``reading-base``), else 0: a user's own model is not fed the
    embedded world's synthetic texts."""
    from obliviate.models.cache import cached_kind

    n = config.reading_per_epoch
    if n is None:
        return TinyConfig.reading_per_epoch if cached_kind(config.base_model) == "reading-base" else 0
    if n < 0:
        raise ObliviateError(f"reading_per_epoch must be >= 0, got {n}")
    return n


def train_on_pairs(model, tokenizer, pairs: list[tuple[str, str]], config: RetrainConfig,
                   progress=None, reading_offset: int = 0) -> None:
    """Memorize ``pairs`` with the tiny-model recipe (shared with ``models.tiny``)."""
    n_reading = resolve_reading(config)
    reader = World() if n_reading else None

    def epoch_pairs(epoch: int) -> list[tuple[str, str]]:
        reading = reader.reading_texts(reading_offset + epoch, n_reading) if reader else []
        return pairs + reading

    _run_epochs(model, tokenizer, epoch_pairs, config.epochs, config.batch_size, config.lr,
                config.max_length, config.seed, progress)


@register("retrain", intention=Intention.EXACT, family="retraining",
          reference="Bourtoule et al. 2021, Machine Unlearning (retraining baseline)")
class Retrain(UnlearningMethod):
    """Train ``base_model`` on the retain set only."""

    Config = RetrainConfig

    def run(self, lm, forget, retain, progress=None, checkpoint=None):
        cfg = self.config
        if not cfg.base_model:
            raise ObliviateError("retrain needs base_model=DIR: a checkpoint that never saw the forget "
                                 "data (for the embedded world, WorldModels.base)")
        if not retain:
            raise EmptySplitError("retrain needs a retain set: it is the only training data")
        # Resolved in place, so the run's recorded config says how many reading texts were used.
        cfg.reading_per_epoch = resolve_reading(cfg)
        base = load_model(cfg.base_model, **placement(lm))
        if base.tokenizer.get_vocab() != lm.tokenizer.get_vocab():
            raise ObliviateError(f"base_model {cfg.base_model} has a different tokenizer than the model "
                                 "being unlearned; retrain from a checkpoint of the same family")
        train_on_pairs(base.model, base.tokenizer, qa_pairs(retain), cfg, progress)
        base.model.eval()
        return LanguageModel(base.model, base.tokenizer, path=None)
