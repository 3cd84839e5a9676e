#!/usr/bin/env python3
"""Reference data for tests/quant/: bitsandbytes' dynamic maps and 4-bit / 8-bit blockwise results
computed with real torch float32 arithmetic.

Not run by the tests. Regenerate with (Debian's python3-torch 1.13 is enough; bitsandbytes is not
needed, the algorithm is written out below from bitsandbytes@95f9af3 functional.py / kernels.cu):

    /usr/bin/python3 tools/quant-reference.py > tests/fixtures/quant/reference.json

The dynamic map depends on which ATen CPU kernel torch.linspace dispatches to, so the script runs
itself once per ATEN_CPU_CAPABILITY (default, avx2, avx512) and records each map.
"""
import hashlib
import json
import os
import subprocess
import sys

import torch

NF4 = [
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
    -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
    0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0,
]
# CUDA dQuantizeNF4 thresholds (float literals), sorted.
NF4_T = [
    -0.8480964004993439, -0.6106329262256622, -0.4599952697753906, -0.33967943489551544,
    -0.23460740596055984, -0.13791173323988914, -0.045525018125772476, 0.03979014977812767,
    0.1202552504837513, 0.2035212516784668, 0.2920137718319893, 0.3893125355243683,
    0.5016634166240692, 0.6427869200706482, 0.8614784181118011,
]
FP4 = [v / 12 for v in [0, 0.0625, 8, 12, 4, 6, 2, 3, -0.0, -0.0625, -8, -12, -4, -6, -2, -3]]
FP4_T = [0.00260417, 0.0859375, 0.20833333, 0.29166667, 0.4166667, 0.583333, 0.8333333]
FP4_RANK_TO_BITS = [0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011]


def dynamic_map(signed):
    data = []
    for i in range(7):
        k = 2**i + 1 if signed else 2 ** (i + 1) + 1
        b = torch.linspace(0.1, 1, k, dtype=torch.float32)
        means = (b[:-1] + b[1:]) / 2.0
        data += ((10 ** (-6 + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-6 + i)) * means).tolist()
    data.append(0)
    data.append(1.0)
    data.sort()
    return torch.tensor(data, dtype=torch.float32)


def lcg(n, seed, scale_period=0):
    """The tests' generator: s = s*1664525 + 1013904223 mod 2^32, value s/2^31 - 1 (float32)."""
    s = seed & 0xFFFFFFFF
    out = []
    for i in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        v = s / 2**31 - 1
        if scale_period:
            v *= 1 + (i // 64) % scale_period
        out.append(v)
    return torch.tensor(out, dtype=torch.float32)


def blocks(a, bs):
    n = a.numel()
    return [a[i : min(n, i + bs)] for i in range(0, n, bs)]


def quantize_4bit(a, bs, qt):
    idx, absmax = [], []
    for blk in blocks(a, bs):
        am = blk.abs().max()
        absmax.append(am)
        if am.item() == 0:
            idx.append(torch.full((blk.numel(),), 7 if qt == "nf4" else 0, dtype=torch.int64))
            continue
        s = blk * (1.0 / am)  # float32 reciprocal, then float32 multiply
        if qt == "nf4":
            idx.append(torch.bucketize(s, torch.tensor(NF4_T, dtype=torch.float32)))  # count of t < x
        else:
            rank = torch.bucketize(s.abs(), torch.tensor(FP4_T, dtype=torch.float32))
            bits = torch.tensor(FP4_RANK_TO_BITS)[rank] + (s < 0).long() * 8
            idx.append(bits)
    q = torch.cat(idx)
    if q.numel() % 2:
        q = torch.cat([q, torch.tensor([7 if qt == "nf4" else 0])])
    packed = (q[::2] << 4 | q[1::2]).to(torch.uint8)
    return packed, torch.stack(absmax).float()


def dequantize_4bit(packed, absmax, n, bs, qt):
    code = torch.tensor(NF4 if qt == "nf4" else FP4, dtype=torch.float32)
    q = torch.stack([packed.long() >> 4, packed.long() & 15], dim=1).reshape(-1)[:n]
    scale = absmax.repeat_interleave(bs)[:n]
    return code[q] * scale


def quantize_blockwise(a, code, bs):
    """Nearest code (torch bucketize on float32 midpoints); test data avoid exact midpoints."""
    bounds = (code[:-1] + code[1:]) / 2
    idx, absmax = [], []
    for blk in blocks(a, bs):
        am = blk.abs().max()
        absmax.append(am)
        idx.append(torch.bucketize(blk * (1.0 / am), bounds))
    return torch.cat(idx).to(torch.uint8), torch.stack(absmax).float()


def adam8bit_reference(n, steps, lr, wd, b1=0.9, b2=0.999, eps=1e-8, bs=256):
    """bitsandbytes kOptimizerStatic8bit2StateBlockwise in torch float32 (codes by bucketize, sign fix)."""
    q1, q2 = dynamic_map(True), dynamic_map(False)
    bounds1, bounds2 = (q1[:-1] + q1[1:]) / 2, (q2[:-1] + q2[1:]) / 2
    p = lcg(n, 60)
    c1s = torch.zeros(n, dtype=torch.long)
    c2s = torch.zeros(n, dtype=torch.long)
    nb = (n + bs - 1) // bs
    a1 = torch.zeros(nb)
    a2 = torch.zeros(nb)
    f = torch.float32
    beta1, beta2 = torch.tensor(b1, dtype=f), torch.tensor(b2, dtype=f)
    for t in range(1, steps + 1):
        g = lcg(n, 60 + t) * 0.01
        corr1 = 1 - beta1**t
        corr2 = torch.sqrt(1 - beta2**t)
        step_size = -torch.tensor(lr, dtype=f) * corr2 / corr1
        blk = torch.arange(n) // bs
        s2 = q2[c2s] * a2[blk]
        s2 = s2 * beta2 + (1 - beta2) * g * g
        s1 = q1[c1s] * a1[blk]
        s1 = s1 * beta1 + (1 - beta1) * g
        a1 = torch.stack([s1[blk == b].abs().max() for b in range(nb)])
        a2 = torch.stack([s2[blk == b].abs().max() for b in range(nb)])
        p = p + step_size * (s1 / (torch.sqrt(s2) + corr2 * torch.tensor(eps, dtype=f)))
        p = p * (1 - torch.tensor(lr, dtype=f) * torch.tensor(wd, dtype=f))
        c1s = torch.bucketize(s1 / a1[blk], bounds1)
        fix = (q1[c1s] < 0) != (s1 < 0)
        c1s = torch.where(fix, c1s + torch.where(s1 > 0, 1, -1), c1s)
        c2s = torch.bucketize(s2 / a2[blk], bounds2)
    return {
        "n": n, "steps": steps, "lr": lr, "weight_decay": wd, "p_seed": 60, "grad_seed": "60 + t, times 0.01",
        "state1_sha256": sha(c1s.to(torch.uint8)), "state2_sha256": sha(c2s.to(torch.uint8)),
        "absmax1": f32_list(a1), "absmax2": f32_list(a2), "p_head": f32_list(p[:8]), "p_sha256": sha(p),
    }


def f32_list(t):
    return [float(v) for v in t.tolist()]


def sha(t):
    return hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()


def case_4bit(name, a, bs, qt, double_quant=False):
    packed, absmax = quantize_4bit(a, bs, qt)
    out = {"name": name, "n": a.numel(), "blocksize": bs, "quant_type": qt}
    out["packed_hex"] = bytes(packed.tolist()).hex() if packed.numel() <= 256 else None
    out["packed_sha256"] = sha(packed)
    out["absmax"] = f32_list(absmax)
    out["dequant_sha256"] = sha(dequantize_4bit(packed, absmax, a.numel(), bs, qt))
    if double_quant:
        dmap = dynamic_map(True)
        offset = absmax.mean()
        q2, absmax2 = quantize_blockwise(absmax - offset, dmap, 256)
        rec = (dmap[q2.long()] * absmax2.repeat_interleave(256)[: absmax.numel()]) + offset
        out["nested"] = {
            "offset": float(offset),
            "qabsmax_sha256": sha(q2),
            "qabsmax_head": q2[:16].tolist(),
            "absmax2": f32_list(absmax2),
            "recovered_sha256": sha(rec),
            "dequant_sha256": sha(dequantize_4bit(packed, rec, a.numel(), bs, qt)),
        }
    return out


def maps_only():
    print(json.dumps({"signed": f32_list(dynamic_map(True)), "unsigned": f32_list(dynamic_map(False))}))


def main():
    maps = {}
    for cap in ["default", "avx2", "avx512"]:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=cap)
        res = subprocess.run([sys.executable, __file__, "--maps"], env=env, capture_output=True, text=True, check=True)
        maps[cap] = json.loads(res.stdout)
    hand = torch.tensor(
        [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 0.25, 0.03979014977812767, -0.045525018125772476, 0.8614784181118011,
         0.29166667, 0.00260417, -0.583333, 0.1, -0.1, 0.7],
        dtype=torch.float32,
    )
    zeros_mid = torch.cat([lcg(64, 3), torch.zeros(64), lcg(37, 4)])
    cases = [
        case_4bit("hand16-nf4-bs32", hand, 32, "nf4"),
        case_4bit("hand16-fp4-bs32", hand, 32, "fp4"),
        case_4bit("odd63-nf4-bs32", lcg(63, 1), 32, "nf4"),
        case_4bit("odd63-fp4-bs64", lcg(63, 1), 64, "fp4"),
        case_4bit("zeros-mid-nf4-bs64", zeros_mid, 64, "nf4"),
        case_4bit("zeros-mid-fp4-bs64", zeros_mid, 64, "fp4"),
        case_4bit("big-nf4-bs4096", lcg(3 * 4096 + 17, 7), 4096, "nf4"),
        case_4bit("dq-nf4-bs64", lcg(64 * 600 + 5, 11, scale_period=13), 64, "nf4", double_quant=True),
        case_4bit("dq-fp4-bs64", lcg(64 * 300, 12, scale_period=5), 64, "fp4", double_quant=True),
    ]
    dmap = dynamic_map(True)
    a8 = lcg(4096 + 300, 21, scale_period=3)
    q8, am8 = quantize_blockwise(a8, dmap, 256)
    print(json.dumps({
        "generator": "tools/quant-reference.py",
        "torch": torch.__version__,
        "default_capability_map_sha256": {"signed": sha(dynamic_map(True)), "unsigned": sha(dynamic_map(False))},
        "dynamic_maps": maps,
        "cases_4bit": cases,
        "adam8bit": adam8bit_reference(4096 + 300, 3, 1e-3, 0.01),
        "blockwise8": {"n": a8.numel(), "seed": 21, "scale_period": 3, "blocksize": 256, "codes_sha256": sha(q8), "absmax": f32_list(am8)},
    }, indent=1))


if __name__ == "__main__":
    maps_only() if "--maps" in sys.argv else main()
