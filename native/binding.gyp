{
  "targets": [
    {
      "target_name": "tunekit_native",
      "sources": ["src/addon.c", "src/gemm.c", "src/fused.c", "src/elementwise.c", "src/layout.c", "src/pool.c", "src/optim.c", "src/norm.c", "src/activation.c", "src/quant.c", "src/attention.c"],
      "cflags": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-std=gnu11"],
      "libraries": ["-lopenblas", "-lm", "-lpthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
