"""Small tar fixtures written by Python's tarfile (an independent tar writer) for the tar tests.

- fixtures/gnu.tar (GNU format): a directory, a GNU long-name entry (> 100 chars), an empty file.
- fixtures/ustar.tar (POSIX ustar): a 127-char path stored as prefix + name.
- fixtures/tiny-cifar-10-binary.tar.gz: the official archive's layout, cifar-10-batches-bin/
  data_batch_1..5.bin + test_batch.bin + batches.meta.txt, one 3,073-byte record per batch whose
  label is the batch number (test: 0) and whose pixel p of plane c is (p + c) mod 256.

Run: /usr/bin/python3 packages/data/scripts/make_tar_fixtures.py
"""
import gzip
import io
import tarfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fixtures"


def add(tar, name, data, kind=tarfile.REGTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
    add(tar, "dir/", b"", tarfile.DIRTYPE)
    add(tar, "long/" + "x" * 120 + ".bin", bytes(range(256)) * 3)
    add(tar, "empty.txt", b"")
(OUT / "gnu.tar").write_bytes(buf.getvalue())

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    add(tar, "a/" + "b" * 60 + "/" + "c" * 60 + ".txt", b"ustar prefix entry\n")
(OUT / "ustar.tar").write_bytes(buf.getvalue())


def record(label):
    return bytes([label]) + bytes((p + c) % 256 for c in range(3) for p in range(1024))


buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    add(tar, "cifar-10-batches-bin/", b"", tarfile.DIRTYPE)
    for i in range(1, 6):
        add(tar, f"cifar-10-batches-bin/data_batch_{i}.bin", record(i))
    add(tar, "cifar-10-batches-bin/test_batch.bin", record(0))
    add(tar, "cifar-10-batches-bin/batches.meta.txt", b"airplane\nautomobile\n")
(OUT / "tiny-cifar-10-binary.tar.gz").write_bytes(gzip.compress(buf.getvalue(), mtime=0))
for p in ("gnu.tar", "ustar.tar", "tiny-cifar-10-binary.tar.gz"):
    print(p, (OUT / p).stat().st_size, "bytes")
