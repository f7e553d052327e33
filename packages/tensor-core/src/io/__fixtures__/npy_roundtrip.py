"""For npy.test.ts: reads the .npz TypeScript wrote (path argv[1]), checks it against the JSON on stdin, and writes
arrays of every supported dtype with numpy to argv[2] (.npz) and argv[3] (.npy)."""
import json
import sys

import numpy as np

expected = json.load(sys.stdin)
got = np.load(sys.argv[1])
report = {}
for key, spec in expected.items():
    a = got[key]
    report[key] = {"dtype": str(a.dtype), "shape": list(a.shape), "equal": bool(np.array_equal(a.ravel().astype(float), np.array(spec["values"], dtype=float)))}
arrays = {
    "f4": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
    "f8": np.linspace(-1, 1, 5),
    "i8": np.array([[-(2**40), 0], [1, 2**40]], dtype=np.int64),
    "i4": np.array([-3, 7], dtype=np.int32),
    "u1": np.array([0, 255], dtype=np.uint8),
    "b1": np.array([True, False, True]),
    "scalar": np.array(3.5),
}
np.savez_compressed(sys.argv[2], **arrays)
np.save(sys.argv[3], np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
json.dump(report, sys.stdout)
