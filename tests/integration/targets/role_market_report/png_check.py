"""png_check.py SCREENSHOT: fail unless the PNG (8-bit RGB/RGBA, as Chromium writes it) shows a rendered report.

Decoded with zlib and struct only. The report's page has a light background, so "not blank" means: many distinct
colours, a good share of pixels that are not the background, and the charts' bar colours (the highlighted AS in
orange #e8590c, the peering candidates in blue #2b6cb0) present in quantity, which proves the inline SVG rendered.
"""
import struct
import sys
import zlib
from collections import Counter


def decode(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s is not a PNG" % path)
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, interlace = header[0], header[1], header[2], header[3], header[6]
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit("unexpected PNG format: depth %d, colour type %d, interlace %d" % (depth, colour, interlace))
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev, offset = [], bytearray(stride), 0
    for dummy in range(height):
        kind = raw[offset]
        line = bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        if kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind in (1, 3, 4):
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                up = prev[x]
                if kind == 1:
                    line[x] = (line[x] + left) & 255
                elif kind == 3:
                    line[x] = (line[x] + ((left + up) >> 1)) & 255
                else:
                    corner = prev[x - bpp] if x >= bpp else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main(path):
    width, height, bpp, rows = decode(path)
    counts = Counter()
    for row in rows:
        counts.update(row[x:x + 3] for x in range(0, len(row), bpp))
    total = width * height
    background, background_count = counts.most_common(1)[0]
    other = total - background_count
    white = counts.get(b"\xff\xff\xff", 0)
    orange = counts.get(bytes((0xE8, 0x59, 0x0C)), 0)
    blue = counts.get(bytes((0x2B, 0x6C, 0xB0)), 0)
    print("%s: %dx%d, %d distinct colours, background #%s on %.1f %%, %.1f %% other pixels, %.1f %% white, "
          "orange %d px, blue %d px" % (path, width, height, len(counts), background.hex(), 100.0 * background_count / total,
                                        100.0 * other / total, 100.0 * white / total, orange, blue))
    problems = []
    if len(counts) < 64:
        problems.append("fewer than 64 distinct colours")
    if other < total * 0.10:
        problems.append("less than 10 % of the pixels differ from the background")
    if orange < 500:
        problems.append("the highlighted AS's orange bar (#e8590c) is missing")
    if blue < 2000:
        problems.append("the peering candidates' blue bars (#2b6cb0) are missing")
    if problems:
        sys.exit("%s looks blank or unrendered: %s" % (path, "; ".join(problems)))


if __name__ == "__main__":
    main(sys.argv[1])
