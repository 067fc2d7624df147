"""Pack onnxruntime-gpu for a device machine that is sent at most 64 MiB per call (bench/gpu_check.sh).

    python bench/gpu_pack.py WHEEL --arch 90 --out .gpu [--part-mb 50]

The onnxruntime-gpu 1.31.1 wheel for Python 3.12 is 255 MB, 284 MB of it the CUDA provider library,
most of that GPU code for six architectures (sm_75 … sm_120).  A GPU runs only the code of its own
major architecture (an H100/H200 is sm_90), so this zeroes the others' code in place (the fat
binary's entries keep their headers and sizes: nothing moves in the library), drops the package's
Python tools, and writes ``onnxruntime.tar.xz`` cut into parts of ``--part-mb`` MB (69 MB in two
parts for sm_90).  On the device machine: ``cat parts | xz -d | tar x -C /tmp/site``.  Users never
need this: ``pip install 'safelint[gpu]'`` installs the whole wheel.
"""

from __future__ import annotations

import argparse
import io
import lzma
import struct
import sys
import tarfile
import zipfile
from pathlib import Path

FATBIN_MAGIC = 0xBA55ED50
CUDA_LIB = "onnxruntime/capi/libonnxruntime_providers_cuda.so"
DROP = ("onnxruntime/transformers/", "onnxruntime/quantization/", "onnxruntime/tools/", "onnxruntime/datasets/",
        "onnxruntime/backend/", "onnxruntime/capi/libonnxruntime_providers_tensorrt.so")


def section(elf: bytes, name: bytes) -> tuple[int, int]:
    """(offset, size) of an ELF64 section."""
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    str_off = struct.unpack_from("<Q", elf, shoff + shstrndx * shentsize + 0x18)[0]
    for i in range(shnum):
        h = shoff + i * shentsize
        name_at, = struct.unpack_from("<I", elf, h)
        if elf[str_off + name_at:str_off + name_at + len(name) + 1] == name + b"\0":
            return struct.unpack_from("<QQ", elf, h + 0x18)
    raise ValueError(f"no section {name.decode()}")


def keep_arch(lib: bytearray, arch: int) -> dict[int, int]:
    """Zero the GPU code of every architecture but ``arch`` in ``.nv_fatbin``; returns bytes per architecture."""
    off, size = section(bytes(lib), b".nv_fatbin")
    pos, end, seen = off, off + size, {}
    while pos < end:
        magic, _ver, hsz, fsz = struct.unpack_from("<IHHQ", lib, pos)
        if magic != FATBIN_MAGIC:
            pos += 8
            continue
        e, blob_end = pos + hsz, pos + hsz + fsz
        while e < blob_end:
            _kind, _u, ehs, esz = struct.unpack_from("<HHIQ", lib, e)
            sm, = struct.unpack_from("<I", lib, e + 28)
            seen[sm] = seen.get(sm, 0) + esz
            if sm // 10 != arch // 10:
                lib[e + ehs:e + ehs + esz] = bytes(esz)
            e += ehs + esz
        pos = blob_end
    return seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wheel", type=Path)
    ap.add_argument("--arch", type=int, default=90, help="the GPU's architecture, e.g. 90 for sm_90 (H100/H200)")
    ap.add_argument("--out", type=Path, default=Path(".gpu"))
    ap.add_argument("--part-mb", type=int, default=50)
    a = ap.parse_args()
    buf = io.BytesIO()
    with zipfile.ZipFile(a.wheel) as whl, tarfile.open(fileobj=buf, mode="w") as tar:
        for info in whl.infolist():
            if not info.filename.startswith("onnxruntime/") or info.filename.startswith(DROP) or info.is_dir():
                continue
            data = bytearray(whl.read(info))
            if info.filename == CUDA_LIB:
                seen = keep_arch(data, a.arch)
                print("GPU code per architecture (MB):", {k: round(v / 1e6, 1) for k, v in sorted(seen.items())})
            ti = tarfile.TarInfo(info.filename)
            ti.size, ti.mode = len(data), 0o755 if info.filename.endswith(".so") or ".so." in info.filename else 0o644
            tar.addfile(ti, io.BytesIO(bytes(data)))
    packed = lzma.compress(buf.getvalue(), preset=6)
    a.out.mkdir(parents=True, exist_ok=True)
    step = a.part_mb * 1_000_000
    for k in range(0, len(packed), step):
        part = a.out / f"ort.part{k // step}"
        part.write_bytes(packed[k:k + step])
        print(f"{part}: {min(step, len(packed) - k) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
