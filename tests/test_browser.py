"""The helpers of :mod:`tests.browser` that need no browser."""

from __future__ import annotations

import struct
import zlib

import pytest

from tests.browser import drawn_pixels, off_host_refs, png_pixels


def test_off_host_detector_catches_cdn_links() -> None:
    # The detector itself: pyvis' own page (in_line) links Bootstrap from a CDN.
    pytest.importorskip("pyvis")
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node("a")
    bad = off_host_refs(net.generate_html())
    assert any("cdn.jsdelivr.net" in b for b in bad)
    assert off_host_refs('<img src="//evil.example/x.png">') == ["img[src]=//evil.example/x.png"]
    assert off_host_refs('<style>a{background:url("https://x.example/a.png")}</style>')
    assert off_host_refs('<div style="background: url(http://x.example/a.png)"></div>')
    assert off_host_refs('<a href="#x"></a><img src="data:image/png;base64,AAAA">') == []


def test_png_decoder_reads_every_filter() -> None:
    # A 3x2 RGB image, one row per filter type, checked against known pixels.
    pixels = [[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(10, 20, 30), (40, 50, 60), (70, 80, 90)]]
    for f in range(5):
        raw = b""
        prev = bytes(9)
        for row in pixels:
            line = bytes(v for px in row for v in px)
            enc = bytearray(line)
            for i in range(9):
                a = line[i - 3] if i >= 3 else 0
                b, c = prev[i], prev[i - 3] if i >= 3 else 0
                pred = [0, a, b, (a + b) >> 1, 0][f]
                if f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                enc[i] = (line[i] - pred) & 0xFF
            raw += bytes([f]) + bytes(enc)
            prev = line

        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
        w, h, ch, rows = png_pixels(png)
        assert (w, h, ch) == (3, 2, 3)
        assert rows == [bytes(v for px in row for v in px) for row in pixels], f
        assert drawn_pixels(png, {"left": -2, "top": -2, "right": 5, "bottom": 4}) == 6
