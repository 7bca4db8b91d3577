"""Fine-tuned MiniLM for commitment and doubt (one model, two outputs).

Why: the frozen encoder's mean-pooled vector plus words (``hybrid``) stays
near F1 0.66 / 0.75; fine-tuning lets the encoder learn the cue structure.

Model (:class:`ChunkPoolClassifier`): ``all-MiniLM-L6-v2`` (packaged
weights, :func:`.encoder.default_model_path`) with the lower
``frozen_layers`` transformer layers and the word embeddings frozen and the
top layers trained, then a linear layer 384 -> 2 (commitment, doubt) on the
attention-masked mean of each chunk's last hidden states.  Long paragraphs
are cut exactly as :class:`.encoder.Encoder` cuts them (chunks of 254 word
pieces plus ``[CLS]``/``[SEP]``); a paragraph's logit per task is the
*maximum* over its chunks, so a commitment in the last sentence of a
700-word paragraph still makes the paragraph positive.  P = sigmoid(logit).

Only the trained parameters (top layers + output layer) are stored, as
float32 ``finetuned.safetensors`` beside ``meta.json``; loading starts from
the packaged base weights and overwrites those tensors (a few MB instead of
90 MB per version).  Inference is row-independent (each chunk is its own
row, padding masked), so results do not depend on the batch size beyond
float rounding.

Training cost (measured, 2 shared CPU cores): see :func:`fit` log lines and
the model cards.
"""

from __future__ import annotations

import logging
import math
import random
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from .encoder import CHUNK_CONTENT, default_model_path

log = logging.getLogger(__name__)

TASK_ORDER: tuple[str, ...] = ("commitment", "doubt")
WEIGHTS_FILE = "finetuned.safetensors"
FORMAT = "finetuned-minilm-1"


def _torch():
    import torch

    return torch


class ChunkPoolClassifier:
    """MiniLM with a top-layer fine-tuned, max-over-chunks paragraph classifier.

    ``ChunkPoolClassifier(frozen_layers=4, base_path=None)``.  ``tasks`` are
    :data:`TASK_ORDER`.  Use :meth:`fit`, :meth:`predict_proba`,
    :meth:`save`, :meth:`load`.
    """

    def __init__(self, frozen_layers: int = 4, base_path: Path | str | None = None, num_threads: int | None = 2):
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer

        if num_threads:
            torch.set_num_threads(num_threads)
        self.base_path = Path(base_path) if base_path else default_model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.base_path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(self.base_path), local_files_only=True)
        self.frozen_layers = frozen_layers
        self.out = torch.nn.Linear(self.model.config.hidden_size, len(TASK_ORDER))
        for name, p in self.model.named_parameters():
            p.requires_grad = self._trainable(name)
        self.model.eval()

    def _trainable(self, name: str) -> bool:
        # word/position embeddings and the pooler stay frozen (base weights)
        if not name.startswith("encoder.layer."):
            return False
        return int(name.split(".")[2]) >= self.frozen_layers

    # -- tokens ---------------------------------------------------------------
    def chunk_ids(self, text: str) -> list[list[int]]:
        """Chunks of ``text`` as :meth:`.encoder.Encoder.chunk_ids` makes them."""
        ids = self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        pieces = [ids[i : i + CHUNK_CONTENT] for i in range(0, len(ids), CHUNK_CONTENT)] or [[]]
        return [[cls, *p, sep] for p in pieces]

    # -- the two halves of the network ------------------------------------------
    def _pad(self, chunks: list[list[int]]):
        from .sentence_finetune import pad_chunks

        return pad_chunks(chunks, self.tokenizer.pad_token_id)

    @staticmethod
    def _additive(mask):
        # (b, L) 0/1 -> (b, 1, 1, L) 0 / most-negative, the form BERT's attention adds
        torch = _torch()
        return (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min

    def lower(self, chunks: list[list[int]]):
        """Hidden states after the frozen embeddings and lower layers,
        ``(b, L, 384)`` float32, with the ``(b, L)`` mask (no gradient)."""
        torch = _torch()
        ids, mask = self._pad(chunks)
        with torch.no_grad():
            h = self.model.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
            add = self._additive(mask)
            for layer in self.model.encoder.layer[: self.frozen_layers]:
                h = layer(h, attention_mask=add)
                h = h[0] if isinstance(h, tuple) else h
        return h, mask

    def upper(self, h, mask):
        """Trained layers, masked mean pooling and the output layer: logits ``(b, 2)``."""
        add = self._additive(mask)
        for layer in self.model.encoder.layer[self.frozen_layers :]:
            h = layer(h, attention_mask=add)
            h = h[0] if isinstance(h, tuple) else h
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.out(pooled)

    def _chunk_logits(self, chunks: list[list[int]]):
        return self.upper(*self.lower(chunks))

    def lower_states(self, texts: Sequence[str], batch_size: int = 32) -> list[list[np.ndarray]]:
        """Per text, per chunk: the frozen lower layers' output ``(len, 384)`` float16.

        Training re-reads these every epoch instead of recomputing the frozen
        half of the network (the lower layers cost as much as the trained ones).
        """
        torch = _torch()
        flat, owner = [], []
        for i, t in enumerate(texts):
            for c in self.chunk_ids(t):
                flat.append(c)
                owner.append(i)
        states: list = [None] * len(flat)
        order = sorted(range(len(flat)), key=lambda i: -len(flat[i]))
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                b = order[s : s + batch_size]
                h, _ = self.lower([flat[i] for i in b])
                for r, i in enumerate(b):
                    states[i] = h[r, : len(flat[i])].numpy().astype(np.float16)
        out: list[list[np.ndarray]] = [[] for _ in texts]
        for i, st in zip(owner, states):
            out[i].append(st)
        return out

    def _para_logits_from_states(self, para_states: list[list[np.ndarray]]):
        torch = _torch()
        flat, owner = [], []
        for i, cs in enumerate(para_states):
            flat += cs
            owner += [i] * len(cs)
        width = max(len(x) for x in flat)
        h = torch.zeros((len(flat), width, flat[0].shape[1]), dtype=torch.float32)
        mask = torch.zeros((len(flat), width), dtype=torch.long)
        for r, x in enumerate(flat):
            h[r, : len(x)] = torch.from_numpy(x.astype(np.float32))
            mask[r, : len(x)] = 1
        logits = self.upper(h, mask)
        owner_t = torch.tensor(owner)
        return torch.stack([logits[owner_t == i].max(0).values for i in range(len(para_states))])

    # -- training -------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: np.ndarray,
        epochs: int = 2,
        batch_size: int = 16,
        lr: float = 8e-5,
        head_lr: float = 2e-3,
        seed: int = 0,
        max_seconds: float | None = None,
        lower_states: list | None = None,
    ) -> dict[str, float]:
        """Train on ``texts`` with ``labels`` of shape ``(n, 2)`` (0/1 per task;
        NaN = unknown, masked out of the loss).  AdamW, linear warm-up (10%)
        and decay, binary cross-entropy.  Returns ``{"seconds", "steps",
        "last_loss"}``.  ``max_seconds`` stops early (logged).
        ``lower_states``: :meth:`lower_states` of ``texts`` when already computed."""
        torch = _torch()
        torch.manual_seed(seed)
        rng = random.Random(seed)
        y = torch.tensor(np.asarray(labels, dtype=np.float32))
        t_low = time.time()
        states = list(lower_states) if lower_states is not None else self.lower_states(texts)
        log.info("lower layers of %d paragraphs: %.1f s", len(texts), time.time() - t_low)
        sizes = [sum(len(x) for x in st) for st in states]
        # length-bucketed batches: sort by size, cut into batches, shuffle batches
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW([{"params": params, "lr": lr}, {"params": self.out.parameters(), "lr": head_lr}],
                                weight_decay=0.01)
        n_batches = math.ceil(len(texts) / batch_size)
        total = max(1, epochs * n_batches)
        warm = max(1, total // 10)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / (total - warm))))
        t0, step, loss_v = time.time(), 0, float("nan")
        self.model.train()
        for ep in range(epochs):
            order = list(range(len(texts)))
            rng.shuffle(order)
            # sort within windows of 8 batches for less padding, keep randomness
            win = batch_size * 8
            order = [i for w in range(0, len(order), win) for i in sorted(order[w : w + win], key=lambda i: sizes[i])]
            batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
            rng.shuffle(batches)
            for b in batches:
                logits = self._para_logits_from_states([states[i] for i in b])
                yb = y[b]
                known = ~torch.isnan(yb)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits[known], yb[known])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                step += 1
                loss_v = float(loss.detach())
                if step % 20 == 0:
                    log.info("epoch %d step %d/%d loss %.4f (%.1f s/step)", ep, step, total, loss_v, (time.time() - t0) / step)
                if max_seconds and time.time() - t0 > max_seconds:
                    log.warning("stopping at step %d: over %.0f s", step, max_seconds)
                    self.model.eval()
                    return {"seconds": time.time() - t0, "steps": step, "last_loss": loss_v}
        self.model.eval()
        return {"seconds": round(time.time() - t0, 1), "steps": step, "last_loss": loss_v}

    # -- inference ------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """P(True) per task, shape ``(len(texts), 2)`` float32, columns in
        :data:`TASK_ORDER` order.  Chunks are run longest first, padded per
        batch; each chunk's result is independent of its batch mates."""
        torch = _torch()
        if isinstance(texts, str):
            raise TypeError("predict_proba() takes a list of strings")
        flat, owner = [], []
        for i, t in enumerate(texts):
            for c in self.chunk_ids(t):
                flat.append(c)
                owner.append(i)
        out = np.full((len(texts), len(TASK_ORDER)), -np.inf, dtype=np.float64)
        order = sorted(range(len(flat)), key=lambda i: -len(flat[i]))
        self.model.eval()
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                b = order[s : s + batch_size]
                lg = self._chunk_logits([flat[i] for i in b]).double().numpy()
                for r, i in enumerate(b):
                    out[owner[i]] = np.maximum(out[owner[i]], lg[r])
        return (1.0 / (1.0 + np.exp(-out))).astype(np.float32)

    # -- storage --------------------------------------------------------------
    def trained_state(self) -> dict:
        """The tensors :meth:`save` writes: trained encoder layers + output layer."""
        state = {f"encoder.{k}": v.detach().clone().contiguous() for k, v in self.model.named_parameters() if v.requires_grad}
        state.update({f"out.{k}": v.detach().clone().contiguous() for k, v in self.out.state_dict().items()})
        return state

    def save(self, folder: Path) -> None:
        """Write :data:`WEIGHTS_FILE` into ``folder`` (which must exist)."""
        from safetensors.torch import save_file

        save_file(self.trained_state(), str(Path(folder) / WEIGHTS_FILE), metadata={"format": FORMAT,
                                                                                   "frozen_layers": str(self.frozen_layers)})

    @classmethod
    def load(cls, folder: Path, base_path: Path | str | None = None) -> "ChunkPoolClassifier":
        """Base weights from the package, then the tensors of ``folder/finetuned.safetensors``.

        Raises ``FileNotFoundError`` when the file is missing, ``ValueError``
        when a stored tensor has no place or shape in the base model.
        """
        from safetensors import safe_open

        path = Path(folder) / WEIGHTS_FILE
        if not path.is_file():
            raise FileNotFoundError(path)
        with safe_open(str(path), framework="pt") as fh:
            frozen = int((fh.metadata() or {}).get("frozen_layers", 4))
            state = {k: fh.get_tensor(k) for k in fh.keys()}
        self = cls(frozen_layers=frozen, base_path=base_path)
        enc = {k[len("encoder."):]: v for k, v in state.items() if k.startswith("encoder.")}
        own = dict(self.model.named_parameters())
        for k, v in enc.items():
            if k not in own or own[k].shape != v.shape:
                raise ValueError(f"{path}: tensor {k} does not fit the base model")
            own[k].data.copy_(v)
        self.out.load_state_dict({k[len("out."):]: v for k, v in state.items() if k.startswith("out.")})
        self.model.eval()
        return self
