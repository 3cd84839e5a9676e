#!/usr/bin/env python3
"""PyTorch reference for `npm run bench`: the identical computation in plain torch modules.

Usage: python3 bench/torch_reference.py '<shape JSON from bench/shapes.ts>' [--threads N]
Prints one line `BENCH {json}` (tokensPerSecond, stepSeconds, peakRssBytes), or exits 3 with
`TORCH_MISSING` when torch is not importable. Written against Debian's python3-torch 1.13 (no
transformers / peft there), so GPT-2 and Llama are spelled out here with HF's math: GPT-2 eager
attention, gelu_new, tied head; Llama RMSNorm, rotate-half RoPE, GQA, SwiGLU; PEFT-style LoRA.
QLoRA shapes quantize every projection inside the layers to NF4 (blocksize 64) and expand it to
float32 just in time in forward and again in backward, as bitsandbytes' MatMul4Bit does (its CPU
path is unavailable without pip; the absmax stays float32 here, where tunekit double-quantizes it).
"""
import json
import math
import os
import resource
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception:  # noqa: BLE001 - any import failure means "no reference"
    print("TORCH_MISSING")
    sys.exit(3)


class LoraLinear(nn.Module):
    """y = base(x) + (alpha/r) · B(A(x)), base frozen; A kaiming-uniform, B zeros (PEFT default)."""

    def __init__(self, base, r: int, alpha: float):
        super().__init__()
        self.base = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.scaling = alpha / r

    def forward(self, x):
        return self.base(x) + self.lora_B(self.lora_A(x)) * self.scaling


NF4 = torch.tensor([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
    -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
    0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0])


def nf4_expand(packed, absmax, shape, blocksize):
    idx = torch.stack([packed >> 4, packed & 15], -1).view(-1).long()
    return (NF4[idx].view(-1, blocksize) * absmax[:, None]).view(shape)


class Nf4MatMul(torch.autograd.Function):
    """x @ W.T with W expanded from NF4 codes in forward and again in backward (nothing W-sized saved)."""

    @staticmethod
    def forward(ctx, x, packed, absmax, shape, blocksize):
        ctx.save_for_backward(packed, absmax)
        ctx.shape, ctx.blocksize = shape, blocksize
        return x @ nf4_expand(packed, absmax, shape, blocksize).t()

    @staticmethod
    def backward(ctx, dy):
        packed, absmax = ctx.saved_tensors
        return dy @ nf4_expand(packed, absmax, ctx.shape, ctx.blocksize), None, None, None, None


class Nf4Linear(nn.Module):
    def __init__(self, base: nn.Linear, blocksize=64):
        super().__init__()
        w = base.weight.detach().reshape(-1, blocksize)
        absmax = w.abs().amax(-1)
        idx = ((w / absmax[:, None]).unsqueeze(-1) - NF4).abs().argmin(-1).to(torch.uint8).view(-1)
        self.register_buffer("packed", (idx[0::2] << 4) | idx[1::2])
        self.register_buffer("absmax", absmax)
        self.shape, self.blocksize = tuple(base.weight.shape), blocksize
        self.in_features, self.out_features = base.in_features, base.out_features
        self.bias = base.bias

    def forward(self, x):
        y = Nf4MatMul.apply(x, self.packed, self.absmax, self.shape, self.blocksize)
        return y if self.bias is None else y + self.bias


def causal_attention(q, k, v, past_len):
    # q, k, v: [B, H, T, D] (k, v include the past)
    d = q.shape[-1]
    scores = q @ k.transpose(-1, -2) / math.sqrt(d)
    t, s = q.shape[-2], k.shape[-2]
    mask = torch.ones(t, s, dtype=torch.bool).tril(diagonal=past_len)
    scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    return torch.softmax(scores, dim=-1) @ v


class Gpt2Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.h = c["n_head"]
        self.ln_1 = nn.LayerNorm(e, eps=1e-5)
        self.c_attn = nn.Linear(e, 3 * e)
        self.attn_proj = nn.Linear(e, e)
        self.ln_2 = nn.LayerNorm(e, eps=1e-5)
        self.c_fc = nn.Linear(e, 4 * e)
        self.mlp_proj = nn.Linear(4 * e, e)

    def forward(self, x, past):
        b, t, e = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(e, dim=-1)
        sh = lambda z: z.view(b, t, self.h, e // self.h).transpose(1, 2)  # noqa: E731
        q, k, v = sh(q), sh(k), sh(v)
        past_len = 0
        if past is not None:
            past_len = past[0].shape[-2]
            k, v = torch.cat([past[0], k], -2), torch.cat([past[1], v], -2)
        a = causal_attention(q, k, v, past_len).transpose(1, 2).reshape(b, t, e)
        x = x + self.attn_proj(a)
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x, (k, v)


class Gpt2(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
        self.wpe = nn.Embedding(c["n_positions"], c["n_embd"])
        self.blocks = nn.ModuleList(Gpt2Block(c) for _ in range(c["n_layer"]))
        self.ln_f = nn.LayerNorm(c["n_embd"], eps=1e-5)
        for p in self.parameters():
            nn.init.normal_(p, std=0.02) if p.dim() > 1 else None

    def forward(self, ids, past=None):
        start = 0 if past is None else past[0][0].shape[-2]
        pos = torch.arange(start, start + ids.shape[1])
        x = self.wte(ids) + self.wpe(pos)
        new = []
        for i, blk in enumerate(self.blocks):
            x, kv = blk(x, None if past is None else past[i])
            new.append(kv)
        return self.ln_f(x) @ self.wte.weight.t(), new


class RmsNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], -1)


class LlamaLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        e, self.h, self.kv = c["hidden_size"], c["num_attention_heads"], c.get("num_key_value_heads", c["num_attention_heads"])
        self.d = e // self.h
        self.input_layernorm = RmsNorm(e, c.get("rms_norm_eps", 1e-6))
        self.q_proj = nn.Linear(e, self.h * self.d, bias=False)
        self.k_proj = nn.Linear(e, self.kv * self.d, bias=False)
        self.v_proj = nn.Linear(e, self.kv * self.d, bias=False)
        self.o_proj = nn.Linear(self.h * self.d, e, bias=False)
        self.post_attention_layernorm = RmsNorm(e, c.get("rms_norm_eps", 1e-6))
        i = c["intermediate_size"]
        self.gate_proj = nn.Linear(e, i, bias=False)
        self.up_proj = nn.Linear(e, i, bias=False)
        self.down_proj = nn.Linear(i, e, bias=False)

    def forward(self, x, cos, sin):
        b, t, e = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, self.h, self.d).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.kv, self.d).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.kv, self.d).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.h // self.kv
        if rep > 1:
            k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        a = causal_attention(q, k, v, 0).transpose(1, 2).reshape(b, t, e)
        x = x + self.o_proj(a)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(LlamaLayer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RmsNorm(c["hidden_size"], c.get("rms_norm_eps", 1e-6))
        self.tied = c.get("tie_word_embeddings", False)
        if not self.tied:
            self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        for p in self.parameters():
            nn.init.normal_(p, std=0.02) if p.dim() > 1 else None

    def forward(self, ids, past=None):
        d = self.c["hidden_size"] // self.c["num_attention_heads"]
        inv = 1.0 / (self.c.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2).float() / d))
        f = torch.outer(torch.arange(ids.shape[1]).float(), inv)
        emb = torch.cat([f, f], -1)
        cos, sin = emb.cos(), emb.sin()
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin)
        x = self.norm(x)
        return (x @ self.embed_tokens.weight.t() if self.tied else self.lm_head(x)), None


def build(shape):
    c = shape.get("config")
    if c is None:
        with open(os.path.join(shape["modelDir"], "config.json")) as fh:
            c = json.load(fh)
    c = dict(c)
    if c["model_type"] == "gpt2":
        c.setdefault("n_positions", 1024)
        return Gpt2(c), c["vocab_size"]
    return Llama(c), c["vocab_size"]


def tokens(batch, seq, vocab):
    return torch.tensor([[(b * 7919 + t * 104729 + 13) % vocab for t in range(seq)] for b in range(batch)])


def quantize_nf4(model):
    for name, mod in list(model.named_modules()):
        if not isinstance(mod, (LlamaLayer, Gpt2Block)):
            continue
        for child_name, child in list(mod.named_children()):
            if isinstance(child, nn.Linear):
                setattr(mod, child_name, Nf4Linear(child))


def wrap_lora(model, targets, r, alpha):
    for name, mod in list(model.named_modules()):
        for child_name, child in list(mod.named_children()):
            if isinstance(child, (nn.Linear, Nf4Linear)) and child_name in targets:
                setattr(mod, child_name, LoraLinear(child, r, alpha))


def main():
    shape = json.loads(sys.argv[1])
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else (os.cpu_count() or 1)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model, vocab = build(shape)
    out = {"shape": shape["id"], "backend": "pytorch", "torch": torch.__version__, "threads": threads}
    steps = shape["steps"]
    if shape["kind"] == "generate":
        model.eval()
        prompt = tokens(1, shape["seq"], vocab)
        with torch.no_grad():
            def gen(n):
                logits, past = model(prompt)
                nxt = logits[:, -1].argmax(-1, keepdim=True)
                for _ in range(n - 1):
                    logits, past = model(nxt, past)
                    nxt = logits[:, -1].argmax(-1, keepdim=True)
            gen(2)
            t = time.perf_counter()
            gen(steps)
            s = time.perf_counter() - t
        out.update(tokens=steps, seconds=s, tokensPerSecond=steps / s)
    else:
        if shape["method"] == "lora":
            for p in model.parameters():
                p.requires_grad_(False)
            if shape.get("quant"):
                quantize_nf4(model)
            lo = shape["lora"]
            targets = ["c_attn" if t == "c_attn" else t for t in lo["targets"]]
            wrap_lora(model, targets, lo["r"], lo["alpha"])
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
        ids = tokens(shape["batch"], shape["seq"], vocab)
        times, losses = [], []
        for i in range(steps + 1):
            t = time.perf_counter()
            logits, _ = model(ids)
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, vocab), ids[:, 1:].reshape(-1))
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            if i > 0:
                times.append(time.perf_counter() - t)
            losses.append(loss.item())
        mean = sum(times) / len(times)
        out.update(trainable=sum(p.numel() for p in params), stepSeconds=times, losses=losses,
                   tokensPerSecond=shape["batch"] * shape["seq"] / mean)
    out["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("BENCH " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
