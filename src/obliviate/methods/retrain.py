"""Exact unlearning by retraining: train a base checkpoint that never saw the forget data.

The gold standard the other methods are measured against (Bourtoule et al. 2021 call
it the naive baseline of machine unlearning): start from ``base_model`` (for the
embedded world, ``WorldModels.base``, the reading-comprehension model that never saw
a world person) and train it on the retain set alone with the tiny-model recipe
(AdamW, warmup + cosine, small batches), mixing in reading-comprehension examples
so the model keeps using its context. Exact by construction; the cost is a full
training run, which is why SISA exists.
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
    reading_per_epoch: int = TinyConfig.reading_per_epoch  # reading pairs mixed into each epoch (0: none)
    max_length: int = TinyConfig.max_length


def placement(lm: LanguageModel) -> dict:
    """``load_model`` arguments that put a retrained model where ``lm`` is (device, dtype)."""
    param = next(lm.model.parameters())
    return {"dtype": param.dtype, "device": str(param.device)}


def train_on_pairs(model, tokenizer, pairs: list[tuple[str, str]], config: RetrainConfig,
                   progress=None, reading_offset: int = 0) -> None:
    """Memorize ``pairs`` with the tiny-model recipe (shared with ``models.tiny``)."""
    reader = World() if config.reading_per_epoch else None

    def epoch_pairs(epoch: int) -> list[tuple[str, str]]:
        reading = reader.reading_texts(reading_offset + epoch, config.reading_per_epoch) if reader else []
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
        base = load_model(cfg.base_model, **placement(lm))
        if base.tokenizer.get_vocab() != lm.tokenizer.get_vocab():
            raise ObliviateError(f"base_model {cfg.base_model} has a different tokenizer than the model "
                                 "being unlearned; retrain from a checkpoint of the same family")
        train_on_pairs(base.model, base.tokenizer, qa_pairs(retain), cfg, progress)
        base.model.eval()
        return LanguageModel(base.model, base.tokenizer, path=None)
