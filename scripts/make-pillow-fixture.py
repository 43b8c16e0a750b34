#!/usr/bin/env python3
"""Writes Tests/MLPLabTests/Support/Fixtures/pillow-gray.json: small images in every format and
mode MLPLab reads, and the bytes Pillow's Image.open(...).convert('L') gives for each, so that
the test `grayConversionMatchesPillow` can check MLPLab's decoding and gray conversion bit for
bit without Pillow. Files Pillow refuses are recorded with "pillow_error" and must be refused.

Most files are written by Pillow; layouts Pillow cannot write (16-bit RGB PNG, maxval PGM/PPM,
16-bit BMP, a GIF whose first frame is smaller than its screen, 16-bit RGB TIFF) are written
by hand below, and tiled TIFFs by libtiff's tiffcp (Debian libtiff-tools, skipped if absent),
then read by Pillow like the others.

Run by hand (needs Pillow; CI never runs it):
    python3 -m venv /work/venv-pillow && /work/venv-pillow/bin/pip install pillow
    /work/venv-pillow/bin/python scripts/make-pillow-fixture.py
"""
import base64, io, json, math, os, random, shutil, struct, subprocess, tempfile, zlib

import PIL
from PIL import Image, features

random.seed(7)
images = []


def add(mode, fmt, data, note=""):
    """Records `data` with what Pillow makes of it (gray bytes, or the error it raises)."""
    entry = {"mode": mode, "format": fmt, "note": note, "file_base64": base64.b64encode(data).decode()}
    try:
        with Image.open(io.BytesIO(data)) as image:
            gray = image.convert("L")
        entry.update(width=gray.width, height=gray.height, gray_base64=base64.b64encode(gray.tobytes()).decode())
    except Exception as error:  # Pillow refuses it: so must MLPLab
        entry["pillow_error"] = f"{type(error).__name__}: {error}"
    images.append(entry)


def saved(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def noise(mode, w, h):
    """Random samples, with the extremes first (colours whose luma lands on rounding edges)."""
    channels = len(Image.new(mode, (1, 1)).getbands())
    values = [random.randrange(256) for _ in range(w * h * channels)]
    values[:channels] = [255] * channels
    values[channels:2 * channels] = [0] * channels
    return Image.frombytes(mode, (w, h), bytes(values))


def photo(w, h, mode="RGB"):
    """A smooth, photo-like image (gradients, a disc, mild noise): what chroma upsampling and
    the IDCT see in real pictures, unlike pure noise."""
    image = Image.new("RGB", (w, h))
    pixels = image.load()
    for y in range(h):
        for x in range(w):
            r = 128 + 100 * math.sin(x / 7.0) * math.cos(y / 11.0)
            g = 255 * x / w
            b = 255 * y / h
            if (x - w / 2) ** 2 + (y - h / 2) ** 2 < (min(w, h) / 3) ** 2:
                r, g, b = 230 - g / 3, 40 + b / 4, 60
            pixels[x, y] = tuple(max(0, min(255, int(v + random.gauss(0, 6)))) for v in (r, g, b))
    return image.convert(mode)


# --- PNG (stb_image, with Pillow's conversions) ---------------------------------------------

def png(width, height, bit_depth, color_type, raw_rows, extra_chunks=()):
    """A PNG from unfiltered rows, for layouts Pillow cannot write."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    data = b"".join(b"\x00" + row for row in raw_rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + b"".join(chunk(k, v) for k, v in extra_chunks)
            + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b""))


for mode in ["RGB", "RGBA", "LA", "L"]:
    add(mode, "PNG", saved(noise(mode, 9, 7), "PNG"))
add("1", "PNG", saved(noise("L", 11, 5).convert("1"), "PNG"))
p = noise("L", 13, 6).convert("P")
add("P+tRNS", "PNG", saved(p, "PNG", transparency=3))
# 16-bit gray: mostly in the 8-bit range (Pillow clips at 255), some above.
w, h = 12, 5
values = [random.choice([random.randrange(256), random.randrange(65536)]) for _ in range(w * h)]
values[:3] = [0, 255, 65535]
add("I;16", "PNG", saved(Image.frombytes("I;16", (w, h), struct.pack(f"<{w*h}H", *values)), "PNG"))
rows = [struct.pack(f">{w*3}H", *[random.randrange(65536) for _ in range(w * 3)]) for _ in range(h)]
add("RGB;16", "PNG", png(w, h, 16, 2, rows), "16-bit RGB, written by hand")
rows = [struct.pack(f">{w*2}H", *[random.randrange(65536) for _ in range(w * 2)]) for _ in range(h)]
add("LA;16", "PNG", png(w, h, 16, 4, rows), "16-bit gray+alpha, written by hand")
rows = [struct.pack(f">{w*4}H", *[random.randrange(65536) for _ in range(w * 4)]) for _ in range(h)]
add("RGBA;16", "PNG", png(w, h, 16, 6, rows), "16-bit RGBA, written by hand")
rows = [bytes(random.randrange(256) for _ in range(3)) for _ in range(h)]  # 12 px × 2 bits = 3 bytes
add("L;2", "PNG", png(w, h, 2, 0, rows), "2-bit gray, written by hand")

# --- BMP ------------------------------------------------------------------------------------

def bmp16(width, height, masks, top_down=False):
    """A 16-bit BMP: BI_BITFIELDS with `masks`, or BI_RGB (5-5-5) when masks is None."""
    stride = (width * 2 + 3) // 4 * 4
    rows = []
    for _ in range(height):
        row = b"".join(struct.pack("<H", random.randrange(65536)) for _ in range(width))
        rows.append(row + b"\0" * (stride - len(row)))
    pixels = b"".join(rows)
    extra = b"" if masks is None else struct.pack("<III", *masks)
    offset = 14 + 40 + len(extra)
    info = struct.pack("<IiiHHIIiiII", 40, width, -height if top_down else height, 1, 16,
                       0 if masks is None else 3, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + info + extra + pixels


add("RGB", "BMP", saved(noise("RGB", 9, 7), "BMP"))
add("P", "BMP", saved(noise("L", 10, 6).convert("P"), "BMP"))
add("1", "BMP", saved(noise("L", 10, 6).convert("1"), "BMP"))
add("BGR;16 (565)", "BMP", bmp16(11, 6, (0xF800, 0x7E0, 0x1F)), "written by hand")
add("BGR;15 (555)", "BMP", bmp16(11, 6, None), "written by hand, no masks")
add("BGR;15 (555, masks)", "BMP", bmp16(10, 5, (0x7C00, 0x3E0, 0x1F), top_down=True), "written by hand, top-down")
add("16-bit 4-4-4", "BMP", bmp16(8, 4, (0xF00, 0xF0, 0xF)), "masks Pillow refuses")

# --- TGA ------------------------------------------------------------------------------------

add("RGB", "TGA", saved(noise("RGB", 9, 7), "TGA"))
add("RGBA", "TGA", saved(noise("RGBA", 9, 7), "TGA", compression="tga_rle"))

# --- PGM / PPM / PBM ------------------------------------------------------------------------

def pnm(magic, width, height, maxval, samples, plain=False, comment=False):
    header = f"{magic}\n" + ("# made by hand\n" if comment else "") + f"{width} {height}\n"
    if maxval is not None:
        header += f"{maxval}\n"
    if plain:
        body = "\n".join(" ".join(str(v) for v in samples[i:i + 12]) for i in range(0, len(samples), 12)) + "\n"
        return header.encode() + body.encode()
    if maxval is not None and maxval > 255:
        return header.encode() + struct.pack(f">{len(samples)}H", *samples)
    return header.encode() + bytes(samples)


add("L", "PGM", saved(noise("L", 9, 7), "PPM"), "P5 maxval 255, written by Pillow")
add("RGB", "PPM", saved(noise("RGB", 9, 7), "PPM"), "P6 maxval 255, written by Pillow")
add("1", "PBM", saved(noise("L", 13, 5).convert("1"), "PPM"), "P4, written by Pillow")
for maxval in (1, 7, 100, 254):
    n = 11 * 5
    samples = [random.randrange(maxval + 1) for _ in range(n)]
    samples[0] = maxval
    add(f"L maxval {maxval}", "PGM", pnm("P5", 11, 5, maxval, samples))
samples = [random.randrange(101) for _ in range(10 * 4)] + [200, 255]  # above maxval: clipped
add("L maxval 100, samples above it", "PGM", pnm("P5", 7, 6, 100, samples[:42]))
for maxval in (300, 1000, 65535):
    samples = [random.choice([random.randrange(256), random.randrange(maxval + 1)]) for _ in range(9 * 4)]
    add(f"I maxval {maxval}", "PGM", pnm("P5", 9, 4, maxval, samples), "gray above 255: Pillow's mode I, clipped")
for maxval in (15, 1023, 65535):
    samples = [random.randrange(maxval + 1) for _ in range(8 * 5 * 3)]
    add(f"RGB maxval {maxval}", "PPM", pnm("P6", 8, 5, maxval, samples))
samples = [random.randrange(256) for _ in range(9 * 7)]
add("L (P2)", "PGM", pnm("P2", 9, 7, 255, samples, plain=True, comment=True), "ASCII")
samples = [random.randrange(1001) for _ in range(9 * 7)]
add("I (P2 maxval 1000)", "PGM", pnm("P2", 9, 7, 1000, samples, plain=True), "ASCII")
samples = [random.randrange(31) for _ in range(8 * 6 * 3)]
add("RGB (P3 maxval 30)", "PPM", pnm("P3", 8, 6, 30, samples, plain=True, comment=True), "ASCII")
samples = [random.randrange(256) for _ in range(8 * 6 * 3)]
add("RGB (P3)", "PPM", pnm("P3", 8, 6, 255, samples, plain=True), "ASCII")
bits = "".join(random.choice("01") for _ in range(10 * 4))
add("1 (P1)", "PBM", b"P1\n10 4\n" + "\n".join(bits[i:i + 10] for i in range(0, 40, 10)).encode() + b"\n", "ASCII")
add("L (P2, value above maxval)", "PGM", b"P2\n2 1\n10\n5 11\n", "Pillow refuses")
add("L (P5, truncated)", "PGM", pnm("P5", 9, 7, 255, [1] * 50), "Pillow refuses")

# --- GIF ------------------------------------------------------------------------------------

def gif_blocks(data):
    """Splits a GIF into (screen descriptor end, image descriptor offset)."""
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while data[pos] != 0x2C:
        assert data[pos] == 0x21
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return pos


def gif_on_larger_screen(data, screen, offset):
    """The same GIF with its logical screen enlarged and its first frame moved to `offset`."""
    data = bytearray(data)
    data[6:10] = struct.pack("<HH", *screen)
    image = gif_blocks(data)
    data[image + 1:image + 5] = struct.pack("<HH", *offset)
    return bytes(data)


p = noise("RGB", 12, 9).convert("P")
add("P", "GIF", saved(p, "GIF"))
add("P+transparency", "GIF", saved(p, "GIF", transparency=p.getpixel((2, 0))), "transparent pixels keep their palette colour")
big = photo(33, 17).convert("P")
add("P interlaced", "GIF", saved(big, "GIF", interlace=True))
add("P", "GIF", gif_on_larger_screen(saved(p, "GIF"), (20, 15), (3, 4)), "first frame smaller than the screen")
add("P+transparency", "GIF", gif_on_larger_screen(saved(p, "GIF", transparency=p.getpixel((0, 0))), (19, 14), (5, 2)),
    "small first frame with transparency: the rest is the transparent index's colour")
add("P", "GIF", gif_on_larger_screen(saved(p, "GIF"), (8, 5), (2, 1)), "first frame reaching past the screen")
frames = [noise("L", 10, 8).convert("P") for _ in range(3)]
add("P animated", "GIF", saved(frames[0], "GIF", save_all=True, append_images=frames[1:]), "first frame")
add("L", "GIF", saved(noise("L", 9, 7), "GIF"), "gray palette")

def lzw_literals(indices, min_size):
    """GIF LZW data of `indices` as literal codes (a clear code before the table would grow a
    code wider), then the end code: enough to write GIFs Pillow's encoder never writes."""
    clear, size = 1 << min_size, min_size + 1
    codes, table = [clear], clear + 2
    for i, index in enumerate(indices):
        codes.append(index)
        if i > 0:
            table += 1
        if table >= (1 << size) - 1:
            codes.append(clear)
            table = clear + 2
    codes.append(clear + 1)
    bits = count = 0
    out = bytearray()
    for code in codes:
        bits |= code << count
        count += size
        while count >= 8:
            out.append(bits & 255)
            bits >>= 8
            count -= 8
    return bytes(out + (bytes([bits]) if count else b""))


def gif_by_hand(width, height, palette, indices, min_size=3, cut=None, trailer=True):
    table_bits = max(1, (len(palette) // 3 - 1).bit_length())
    flags = 0x80 | (table_bits - 1) if palette else 0
    data = lzw_literals(indices, min_size)[:cut]
    blocks = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255))
    return (b"GIF89a" + struct.pack("<HHBBB", width, height, flags, 0, 0) + bytes(palette)
            + b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + bytes([min_size]) + blocks
            + (b"\0;" if trailer else b""))


two = [255, 0, 0, 0, 0, 255]
add("P", "GIF", gif_by_hand(4, 3, two, [random.randrange(8) for _ in range(12)]), "indices past the palette's end: black")
add("L", "GIF", gif_by_hand(4, 3, [0, 0, 0, 1, 1, 1], [random.randrange(8) for _ in range(12)]), "a gray-ramp palette is mode L")
add("P", "GIF", gif_by_hand(4, 3, two, [0, 1] * 6, trailer=False), "no trailer")
add("P", "GIF", gif_by_hand(4, 3, two, [0, 1] * 3), "end code before the last pixel: Pillow refuses")
add("P", "GIF", gif_by_hand(4, 3, two, [0, 1] * 6, cut=3, trailer=False), "data cut: Pillow refuses")

# --- JPEG (libjpeg-turbo) -------------------------------------------------------------------

for size in [(9, 7), (33, 17)]:
    for subsampling, name in [(0, "4:4:4"), (1, "4:2:2"), (2, "4:2:0")]:
        add(f"RGB {name}", "JPEG", saved(photo(*size), "JPEG", quality=85, subsampling=subsampling))
for subsampling, name in [(1, "4:2:2"), (2, "4:2:0")]:
    add(f"RGB {name} photo", "JPEG", saved(photo(96, 64), "JPEG", quality=90, subsampling=subsampling))
add("RGB progressive", "JPEG", saved(photo(40, 24), "JPEG", quality=80, progressive=True))
add("RGB progressive 4:4:4", "JPEG", saved(photo(31, 13), "JPEG", quality=95, progressive=True, subsampling=0))
add("RGB optimized", "JPEG", saved(photo(25, 19), "JPEG", quality=70, optimize=True))
add("L", "JPEG", saved(photo(27, 15, "L"), "JPEG", quality=85))
add("L progressive", "JPEG", saved(photo(27, 15, "L"), "JPEG", quality=85, progressive=True))
add("CMYK", "JPEG", saved(photo(21, 11, "CMYK"), "JPEG", quality=90), "Adobe, inverted")
jpeg = saved(photo(33, 17), "JPEG", quality=85)
add("RGB, bytes after the end marker", "JPEG", jpeg + b"\0" * 40 + b"camera trailer" * 10)
add("RGB, no end marker", "JPEG", jpeg[:-2], "all rows present: Pillow reads it")
add("RGB, truncated in the scan", "JPEG", jpeg[: len(jpeg) * 6 // 10], "Pillow refuses")
progressive = saved(photo(33, 17), "JPEG", quality=85, progressive=True)
add("RGB progressive, truncated", "JPEG", progressive[: len(progressive) * 7 // 10], "Pillow refuses")

# --- WebP (libwebp) -------------------------------------------------------------------------

add("RGB lossy", "WEBP", saved(photo(33, 17), "WEBP", quality=80))
add("RGB lossless", "WEBP", saved(noise("RGB", 13, 9), "WEBP", lossless=True))
rgba = noise("RGBA", 13, 9)
rgba.putpixel((2, 2), (200, 100, 50, 0))  # transparent, with a colour under it
add("RGBA lossless", "WEBP", saved(rgba, "WEBP", lossless=True, exact=True), "transparent pixels keep their colour")
add("RGBA lossy", "WEBP", saved(photo(33, 17, "RGBA"), "WEBP", quality=75))
cut = photo(33, 17, "RGBA")
cut.putalpha(Image.linear_gradient("L").resize((33, 17)))
add("RGBA lossy, graded alpha", "WEBP", saved(cut, "WEBP", quality=75))
frames = [photo(20, 12) for _ in range(2)]
add("RGB animated", "WEBP", saved(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True), "first frame")

# --- TIFF (libtiff) -------------------------------------------------------------------------

def tiff_rgb16(width, height, big_endian=False):
    """An uncompressed 16-bit RGB TIFF, one strip (Pillow cannot write this layout)."""
    e = ">" if big_endian else "<"
    samples = [random.randrange(65536) for _ in range(width * height * 3)]
    pixels = struct.pack(f"{e}{len(samples)}H", *samples)
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, None), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, 1, None), (277, 3, 1, 3), (278, 3, 1, height), (279, 4, 1, len(pixels))]
    ifd_offset = 8
    ifd_size = 2 + 12 * len(entries) + 4
    bits_offset = ifd_offset + ifd_size
    pixel_offset = bits_offset + 6
    body = b""
    for tag, kind, count, value in entries:
        if tag == 258:
            value_bytes = struct.pack(f"{e}I", bits_offset)
        elif tag == 273:
            value_bytes = struct.pack(f"{e}I", pixel_offset)
        elif kind == 3:
            value_bytes = struct.pack(f"{e}HH", value, 0)
        else:
            value_bytes = struct.pack(f"{e}I", value)
        body += struct.pack(f"{e}HHI", tag, kind, count) + value_bytes
    head = (b"MM\x00\x2a" if big_endian else b"II\x2a\x00") + struct.pack(f"{e}I", ifd_offset)
    return head + struct.pack(f"{e}H", len(entries)) + body + struct.pack(f"{e}I", 0) + struct.pack(f"{e}HHH", 16, 16, 16) + pixels


add("L", "TIFF", saved(noise("L", 9, 7), "TIFF"))
add("L packbits", "TIFF", saved(photo(17, 9, "L"), "TIFF", compression="packbits"))
add("RGB", "TIFF", saved(noise("RGB", 9, 7), "TIFF"))
add("RGB lzw", "TIFF", saved(photo(33, 17), "TIFF", compression="tiff_lzw"))
add("RGBA deflate", "TIFF", saved(noise("RGBA", 11, 6), "TIFF", compression="tiff_adobe_deflate"))
add("RGB jpeg", "TIFF", saved(photo(32, 16), "TIFF", compression="jpeg", quality=85), "YCbCr in JPEG")
add("I;16", "TIFF", saved(Image.frombytes("I;16", (12, 5), struct.pack("<60H", *[random.choice([random.randrange(256), random.randrange(65536)]) for _ in range(60)])), "TIFF"))
add("RGB;16", "TIFF", tiff_rgb16(7, 5), "little-endian, written by hand")
add("RGB;16B", "TIFF", tiff_rgb16(6, 4, big_endian=True), "big-endian, written by hand")
add("P", "TIFF", saved(noise("L", 10, 6).convert("P"), "TIFF"))
add("P lzw", "TIFF", saved(photo(21, 9).convert("P"), "TIFF", compression="tiff_lzw"))
add("1", "TIFF", saved(noise("L", 13, 5).convert("1"), "TIFF"))
add("1 group4", "TIFF", saved(noise("L", 16, 8).convert("1"), "TIFF", compression="group4"))
add("CMYK", "TIFF", saved(noise("CMYK", 9, 4), "TIFF"))
def tiled(data, *options):
    """The TIFF `data` rewritten in 16×16 tiles by libtiff's tiffcp (Debian libtiff-tools;
    Pillow cannot write tiles)."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = os.path.join(folder, "in.tif"), os.path.join(folder, "out.tif")
        with open(source, "wb") as f:
            f.write(data)
        subprocess.run(["tiffcp", "-t", "-w", "16", "-l", "16", *options, source, target], check=True)
        with open(target, "rb") as f:
            return f.read()


if shutil.which("tiffcp"):
    add("RGB tiled", "TIFF", tiled(saved(photo(40, 24), "TIFF"), "-c", "lzw"), "16×16 tiles by tiffcp")
    add("L tiled", "TIFF", tiled(saved(photo(35, 18, "L"), "TIFF")), "16×16 tiles by tiffcp, partial edge tiles")
    add("1 tiled", "TIFF", tiled(saved(noise("L", 20, 9).convert("1"), "TIFF")), "1-bit tiles, edges inside bytes")
two_pages = io.BytesIO()
noise("L", 9, 7).save(two_pages, format="TIFF", save_all=True, append_images=[noise("L", 9, 7)])
add("L, two pages", "TIFF", two_pages.getvalue(), "first page, as Image.open gives")

out = {
    "pillow_version": PIL.__version__,
    "libjpeg_turbo": features.version("libjpeg_turbo"),
    "libwebp": features.version("webp"),
    "libtiff": features.version("libtiff"),
    "images": images,
}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "MLPLabTests", "Support", "Fixtures", "pillow-gray.json")
with open(path, "w") as f:
    json.dump(out, f, indent=0)
print("wrote", path, len(images), "images,", os.path.getsize(path), "bytes")
for entry in images:
    if "pillow_error" in entry:
        print("  Pillow refuses", entry["mode"], entry["format"], "-", entry["pillow_error"])
