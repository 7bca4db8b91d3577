"""Fine-tuned MiniLM on sentences for commitment and doubt (one model, two outputs).

Why: linear models on the frozen encoder's vectors plateau near F1 0.69 /
0.74 (:mod:`.sentence_cv`); a commitment or doubt is one clause, so the
encoder is trained on sentences, where the labelled cue span says which
sentence holds it (``corpora/LABELING.md``).

Training rows (:func:`multitask_units`): every sentence of a paragraph, with
a label per task: 1 for the sentence(s) that overlap the task's labelled cue,
0 for every sentence of a paragraph negative for the task, unknown (masked
out of the loss) for the other sentences of a positive paragraph.  A
positive whose cue is missing or not found adds the whole paragraph as a
positive unit for that task.

Model (:class:`SentenceTuner`): ``all-MiniLM-L6-v2`` (packaged weights),
the lower ``layers`` transformer layers kept (all 6 by default; fewer is
faster), all of them trained, a linear layer 384 -> 2 on the masked mean of
the last hidden states.  Sentences longer than :data:`SENT_CONTENT` word
pieces are cut into chunks, each scored; a paragraph's logit per task is the
maximum over its sentences' chunks, so a commitment in the last sentence of
a 700-word paragraph still counts.  P = sigmoid(logit).  Rows are
independent (padding masked), so scores do not depend on batch size beyond
float rounding.
"""

from __future__ import annotations

import logging
import math
import random
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from .encoder import default_model_path
from .sentence_units import cue_sentences, paragraph_sentences

log = logging.getLogger(__name__)

TASK_ORDER: tuple[str, ...] = ("commitment", "doubt")
#: Word pieces per chunk of a sentence (plus [CLS]/[SEP]); longer sentences are chunked, not cut.
SENT_CONTENT = 126
WEIGHTS_FILE = "sentence_tuned.safetensors"
FORMAT = "sentence-finetuned-minilm-1"


def _torch():
    import torch

    return torch


def multitask_units(texts: Sequence[str], labels: np.ndarray, cues: Sequence[Sequence[str | None]]
                    ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Training rows for ``texts`` with ``labels`` ``(n, 2)`` (0/1, NaN =
    unlabelled) and ``cues[i][j]`` the cue span of task ``j``.

    Returns ``(unit_texts, unit_labels (m, 2) with NaN = masked, owner (m,))``.
    """
    out_t: list[str] = []
    out_y: list[list[float]] = []
    owner: list[int] = []
    for i, t in enumerate(texts):
        ss = paragraph_sentences(t)
        rows = [[np.nan] * len(TASK_ORDER) for _ in ss]
        extra: list[list[float]] = []
        for j in range(len(TASK_ORDER)):
            lab = labels[i, j]
            if np.isnan(lab):
                continue
            if lab == 0:
                for r in rows:
                    r[j] = 0.0
                continue
            hit = cue_sentences(t, cues[i][j])
            if hit is None:
                e = [np.nan] * len(TASK_ORDER)
                e[j] = 1.0
                extra.append(e)
            else:
                for k in hit:
                    rows[k][j] = 1.0
        for s, r in zip(ss, rows):
            if not all(np.isnan(r)):
                out_t.append(s)
                out_y.append(r)
                owner.append(i)
        for e in extra:
            # the whole paragraph, with what is known of the other task
            for j in range(len(TASK_ORDER)):
                if np.isnan(e[j]) and labels[i, j] == 0:
                    e[j] = 0.0
            out_t.append(t)
            out_y.append(e)
            owner.append(i)
    return out_t, np.asarray(out_y, dtype=np.float32), np.asarray(owner, dtype=np.int64)


def pad_chunks(chunks: list[list[int]], pad_id: int):
    """``(ids, mask)`` long tensors ``(len(chunks), longest)``: each chunk
    left-aligned, padded with ``pad_id``, mask 1 on its own pieces."""
    torch = _torch()
    width = max(len(c) for c in chunks)
    ids = torch.full((len(chunks), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(chunks), width), dtype=torch.long)
    for r, c in enumerate(chunks):
        ids[r, : len(c)] = torch.tensor(c, dtype=torch.long)
        mask[r, : len(c)] = 1
    return ids, mask


class SentenceTuner:
    """Fine-tuned MiniLM scoring sentences; paragraphs take the max.

    ``SentenceTuner(layers=6, base_path=None, num_threads=2)``.  Use
    :meth:`fit`, :meth:`predict_proba`, :meth:`save`, :meth:`load`.
    """

    def __init__(self, layers: int = 6, base_path: Path | str | None = None, num_threads: int | None = 2):
        from transformers import AutoTokenizer

        self.num_threads = num_threads
        self.base_path = Path(base_path) if base_path else default_model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.base_path), local_files_only=True)
        self.layers = layers
        #: For a network read by :meth:`load`: ``(weights file, its sha256)``; the
        #: torch modules are built from it on first use (:attr:`model`), so a
        #: process that scores with a cached onnx build never builds them.
        self.source: tuple[Path, str] | None = None
        self._model = self._out = None

    def _build(self) -> None:
        """The torch modules: the base model's lower ``layers`` and the output layer."""
        torch = _torch()
        from transformers import AutoModel

        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        model = AutoModel.from_pretrained(str(self.base_path), local_files_only=True, add_pooling_layer=False)
        if self.layers < model.config.num_hidden_layers:
            model.encoder.layer = model.encoder.layer[: self.layers]
            model.config.num_hidden_layers = self.layers
        self._model, self._out = model, torch.nn.Linear(model.config.hidden_size, len(TASK_ORDER))
        if self.source is not None:
            self._load_state(self.source[0])
        model.eval()

    @property
    def model(self):
        """The transformer (``transformers`` ``BertModel``), built on first use."""
        if self._model is None:
            self._build()
        return self._model

    @property
    def out(self):
        """The output layer (``torch.nn.Linear(384, 2)``), built on first use."""
        if self._out is None:
            self._build()
        return self._out

    def source_key(self) -> str | None:
        """Identity of the weights this network computes with, without building
        it: the weights file's sha256, the base model file's path, size and
        mtime (its word embeddings are the base model's) and ``layers``; None
        for a network not read by :meth:`load` or changed since (:meth:`fit`)."""
        if self.source is None:
            return None
        base = next((self.base_path / n for n in ("model.safetensors", "pytorch_model.bin")
                     if (self.base_path / n).is_file()), self.base_path)
        st = base.stat()
        return f"{self.source[1]}|{base.resolve()}|{st.st_size}|{st.st_mtime_ns}|layers={self.layers}"

    # -- tokens ---------------------------------------------------------------
    def chunk_ids(self, text: str) -> list[list[int]]:
        """``[CLS] piece... [SEP]`` chunks of at most :data:`SENT_CONTENT` pieces."""
        ids = self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        pieces = [ids[i : i + SENT_CONTENT] for i in range(0, len(ids), SENT_CONTENT)] or [[]]
        return [[cls, *p, sep] for p in pieces]

    def _pad(self, chunks: list[list[int]]):
        return pad_chunks(chunks, self.tokenizer.pad_token_id)

    def _logits(self, chunks: list[list[int]]):
        ids, mask = self._pad(chunks)
        h = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        return self.out((h * m).sum(1) / m.sum(1).clamp(min=1e-9))

    # -- training -------------------------------------------------------------
    def fit(self, units: Sequence[str], labels: np.ndarray, epochs: int = 3, batch_size: int = 32, lr: float = 5e-5,
            head_lr: float = 1e-3, seed: int = 0, ema: float = 0.0) -> dict[str, float]:
        """Train on sentence ``units`` with ``labels`` ``(m, 2)`` (NaN masked).

        AdamW, 10% linear warm-up then linear decay, binary cross-entropy;
        length-bucketed shuffled batches.  A unit's first chunk is trained on
        (units are sentences; longer ones are rare).  ``ema`` > 0 keeps an
        exponential moving average of the trained weights (decay ``ema`` per
        step, warmed up as ``min(ema, (1 + t) / (10 + t))``, the rule of
        TensorFlow's ``ExponentialMovingAverage`` with ``num_updates``) and
        ends on the average instead of the last step's weights (Polyak and
        Juditsky 1992), which damps the step-to-step noise of small-data
        fine-tuning.  Returns ``{"seconds", "steps", "last_loss"}``.
        """
        torch = _torch()
        torch.manual_seed(seed)
        rng = random.Random(seed)
        self.model  # noqa: B018 - build (and load the stored weights) before they change
        self.source = None  # the weights no longer are the file's
        chunks = [self.chunk_ids(u)[0] for u in units]
        y = torch.tensor(np.asarray(labels, dtype=np.float32))
        # word embeddings stay the base model's: 11.7M of the 22.7M weights, most
        # of the optimizer's work, and the stored file holds only trained tensors
        self.model.embeddings.word_embeddings.weight.requires_grad = False
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW([{"params": params, "lr": lr}, {"params": self.out.parameters(), "lr": head_lr}],
                                weight_decay=0.01)
        n_batches = math.ceil(len(units) / batch_size)
        total = max(1, epochs * n_batches)
        warm = max(1, total // 10)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
        t0, step, loss_v = time.time(), 0, float("nan")
        tracked = [*params, *self.out.parameters()]
        shadow = [p.detach().clone() for p in tracked] if ema > 0 else None
        self.model.train()
        for ep in range(epochs):
            order = list(range(len(units)))
            rng.shuffle(order)
            win = batch_size * 16
            order = [i for w in range(0, len(order), win) for i in sorted(order[w : w + win], key=lambda i: len(chunks[i]))]
            batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
            rng.shuffle(batches)
            for b in batches:
                logits = self._logits([chunks[i] for i in b])
                yb = y[b]
                known = ~torch.isnan(yb)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits[known], yb[known])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                if shadow is not None:
                    d = min(ema, (1 + step) / (10 + step))
                    with torch.no_grad():
                        for sh, p in zip(shadow, tracked):
                            sh.mul_(d).add_(p.detach(), alpha=1 - d)
                step += 1
                loss_v = float(loss.detach())
                if step % 50 == 0:
                    log.info("epoch %d step %d/%d loss %.4f (%.2f s/step)", ep, step, total, loss_v,
                             (time.time() - t0) / step)
        if shadow is not None:
            with torch.no_grad():
                for sh, p in zip(shadow, tracked):
                    p.copy_(sh)
        with torch.no_grad():
            # the weights are stored as float16 (:meth:`save`): score with what is stored
            for p in [*params, *self.out.parameters()]:
                p.copy_(p.half().float())
        self.model.eval()
        return {"seconds": round(time.time() - t0, 1), "steps": step, "last_loss": loss_v}

    # -- inference ------------------------------------------------------------
    def sentence_logits(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``(len(sentences), 2)`` float64 logits, max over each sentence's chunks."""
        torch = _torch()
        flat, owner = [], []
        for i, s in enumerate(sentences):
            for c in self.chunk_ids(s):
                flat.append(c)
                owner.append(i)
        out = np.full((len(sentences), len(TASK_ORDER)), -np.inf)
        order = sorted(range(len(flat)), key=lambda i: -len(flat[i]))
        self.model.eval()
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                b = order[s : s + batch_size]
                lg = self._logits([flat[i] for i in b]).double().numpy()
                for r, i in enumerate(b):
                    out[owner[i]] = np.maximum(out[owner[i]], lg[r])
        return out

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """P(True) per task ``(len(texts), 2)`` float32: sigmoid of the max
        over the paragraph's sentences (:func:`.sentence_units.paragraph_sentences`)."""
        if isinstance(texts, str):
            raise TypeError("predict_proba() takes a list of strings")
        sents = [paragraph_sentences(t) for t in texts]
        flat = [s for ss in sents for s in ss]
        lg = self.sentence_logits(flat, batch_size)
        out = np.zeros((len(texts), len(TASK_ORDER)))
        pos = 0
        for i, ss in enumerate(sents):
            out[i] = lg[pos : pos + len(ss)].max(0)
            pos += len(ss)
        return (1.0 / (1.0 + np.exp(-out))).astype(np.float32)

    # -- storage --------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the trained weights (all but the word embeddings, which stay
        the base model's) as float16 to ``folder/``:data:`WEIGHTS_FILE`."""
        from safetensors.torch import save_file

        state = {f"encoder.{k}": v.detach().half().contiguous() for k, v in self.model.named_parameters()
                 if k != "embeddings.word_embeddings.weight"}
        state.update({f"out.{k}": v.detach().half().contiguous() for k, v in self.out.state_dict().items()})
        save_file(state, str(Path(folder) / WEIGHTS_FILE), metadata={"format": FORMAT, "layers": str(self.layers)})

    @classmethod
    def load(cls, folder: Path, base_path: Path | str | None = None, lazy: bool = False,
             sha256: str | None = None) -> "SentenceTuner":
        """Rebuild from ``folder/``:data:`WEIGHTS_FILE`.

        ``lazy``: read only the file's header now and build the torch modules
        on first use of :attr:`model` (a worker that scores with a cached onnx
        build never needs them: ~2-4 s of CPU saved per process).  Raises
        ``FileNotFoundError`` when the file is missing, ``ValueError`` (from
        safetensors or here) on a cut or foreign file and, at build time
        (now, or on first use when ``lazy``), on a tensor that does not fit.
        ``sha256``: the file's hash when the caller already has it (it is
        hashed here otherwise)."""
        from safetensors import safe_open

        from .tuned_head import file_sha256

        path = Path(folder) / WEIGHTS_FILE
        if not path.is_file():
            raise FileNotFoundError(path)
        with safe_open(str(path), framework="pt") as fh:  # reads and checks the header: a cut file fails here
            layers = int((fh.metadata() or {}).get("layers", 6))
            if not any(k.startswith("out.") for k in fh.keys()):
                raise ValueError(f"{path}: no output layer tensors")
        self = cls(layers=layers, base_path=base_path)
        self.source = (path, sha256 or file_sha256(path))
        if not lazy:
            self._build()
        return self

    def _load_state(self, path: Path) -> None:
        """Copy the tensors of ``path`` into the built modules.  Raises
        ``ValueError`` on a tensor that does not fit the base model."""
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as fh:
            state = {k: fh.get_tensor(k) for k in fh.keys()}
        enc = {k[len("encoder."):]: v.float() for k, v in state.items() if k.startswith("encoder.")}
        try:
            missing, unexpected = self._model.load_state_dict(enc, strict=False)
            self._out.load_state_dict({k[len("out."):]: v.float() for k, v in state.items() if k.startswith("out.")})
        except RuntimeError as err:
            raise ValueError(f"{path}: tensors do not fit the base model: {err}") from err
        # the word embeddings are the base model's by design; anything else missing is an error
        missing = [m for m in missing if m != "embeddings.word_embeddings.weight" and "position_ids" not in m]
        if unexpected or missing:
            raise ValueError(f"{path}: tensors do not fit the base model (missing {missing[:3]}, unexpected {unexpected[:3]})")
