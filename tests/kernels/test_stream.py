"""mg_stream.h, the streaming overlap contract as one row stream (docs/design.md): every output
row of every batch is handed out once, in increasing order, with its batch's input image, and is
copied out only after the kernel computed it and before the next row is handed out. Checked in C
(ASan + UBSan) on several batch counts and heights, also empty ones, whose shared models all have
batch 1."""
from __future__ import annotations

import subprocess

import pytest

from mcugen.codegen import firmware_dir

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include "mg_stream.h"

int main(int argc, char **argv)
{
    const int32_t batches = argc == 3 ? atoi(argv[1]) : 0, out_h = argc == 3 ? atoi(argv[2]) : 0;
    const int32_t row_bytes = 3, image = 5;
    int8_t in[4 * 5], out[4 * 4 * 3], scratch[3];
    mg_row_stream rows;
    int32_t handed = 0, i, r;
    for (i = 0; i < (int32_t)sizeof out; ++i) {
        out[i] = -1;
    }
    mg_stream_start(&rows, in, (size_t)image, out, batches, out_h, row_bytes, scratch);
    while (mg_stream_next(&rows)) {
        const int32_t b = handed / out_h, oy = handed % out_h;
        if (rows.oy != oy || rows.in != in + b * image || rows.row != scratch) {
            printf("row %d: oy %d, image %d\n", (int)handed, (int)rows.oy, (int)(rows.in - in));
            return 1;
        }
        for (r = 0; r < batches * out_h; ++r) { /* rows before this one are out, the others not */
            if ((out[r * row_bytes] != -1) != (r < handed)) {
                printf("before row %d: output row %d %s\n", (int)handed, (int)r, r < handed ? "missing" : "early");
                return 1;
            }
        }
        for (i = 0; i < row_bytes; ++i) {
            rows.row[i] = (int8_t)(handed * 3 + i);
        }
        ++handed;
    }
    for (i = 0; i < batches * out_h * row_bytes; ++i) {
        if (out[i] != (int8_t)i) {
            printf("out[%d] = %d\n", (int)i, (int)out[i]);
            return 1;
        }
    }
    printf("%d\n", (int)handed);
    return 0;
}
"""


@pytest.fixture(scope="module")
def stream_exe(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stream")
    (tmp / "stream.c").write_text(PROGRAM)
    exe = tmp / "stream"
    proc = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g",
                           "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                           f"-I{firmware_dir() / 'include'}", str(tmp / "stream.c"), "-o", str(exe)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    return exe


@pytest.mark.parametrize("batches,out_h", [(1, 1), (1, 4), (2, 1), (3, 4), (4, 2), (0, 3), (2, 0)])
def test_every_row_once_in_order_copied_out_before_the_next(stream_exe, batches, out_h):
    proc = subprocess.run([str(stream_exe), str(batches), str(out_h)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr, proc.stdout + proc.stderr
    assert int(proc.stdout) == batches * out_h
