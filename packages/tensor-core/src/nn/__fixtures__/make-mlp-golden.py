"""Writes mlp-golden.json: PyTorch (float64) losses, gradients and Adam steps of two small MLPs on SYNTHETIC random data,
for src/nn/mlp.test.ts. Run: /usr/bin/python3 packages/tensor-core/src/nn/__fixtures__/make-mlp-golden.py"""
import json
import os

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
out = {}
for name, sizes, act, K in (("binary-relu", [5, 6, 4, 1], torch.relu, 1), ("softmax-tanh", [5, 4, 3], torch.tanh, 3)):
    n = 16
    x = torch.randn(n, sizes[0])
    y = torch.randint(0, 2 if K == 1 else K, (n,))
    Ws = [torch.randn(sizes[l], sizes[l + 1]) * 0.5 for l in range(len(sizes) - 1)]
    bs = [torch.randn(sizes[l + 1]) * 0.1 for l in range(len(sizes) - 1)]
    init = {"weights": [w.flatten().tolist() for w in Ws], "biases": [b.tolist() for b in bs]}
    params = [p.clone().requires_grad_(True) for p in Ws + bs]
    L = len(Ws)
    # weight decay on the weights only (biases in a group without it), as Mlp's AdamState
    opt = torch.optim.Adam([{"params": params[:L], "weight_decay": 0.001}, {"params": params[L:], "weight_decay": 0.0}], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    steps = []
    for step in range(3):
        opt.zero_grad()
        a = x
        for l in range(L):
            a = a @ params[l] + params[L + l]
            if l < L - 1:
                a = act(a)
        if K == 1:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(a.squeeze(1), y.double())
        else:
            loss = torch.nn.functional.cross_entropy(a, y)
        loss.backward()
        grads = {"weights": [params[l].grad.flatten().tolist() for l in range(L)], "biases": [params[L + l].grad.tolist() for l in range(L)]}
        opt.step()
        steps.append({"loss": loss.item(), "grads": grads, "after": {"weights": [params[l].detach().flatten().tolist() for l in range(L)], "biases": [params[L + l].detach().tolist() for l in range(L)]}})
    out[name] = {
        "sizes": sizes,
        "activation": "relu" if act is torch.relu else "tanh",
        "outputs": K,
        "x": x.flatten().tolist(),
        "y": y.tolist(),
        "init": init,
        "adam": {"learningRate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weightDecay": 0.001},
        "steps": steps,
        "torch": torch.__version__,
    }
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlp-golden.json"), "w") as f:
    json.dump({"note": "SYNTHETIC random data; PyTorch float64 reference", **out}, f)
