#!/usr/bin/env python3
"""Writes Tests/MLPLabTests/Support/Fixtures/pillow-gray.json: small lossless images (PNG, BMP,
TGA) in RGB, RGBA, LA and L, and the bytes Pillow's convert('L') gives for each, so that the
test `grayConversionMatchesPillow` can check MLPLab's color→gray conversion bit for bit without
Pillow. Run by hand (needs Pillow): python3 scripts/make-pillow-fixture.py
"""
import base64, io, json, os, random

from PIL import Image

random.seed(7)
out = {"pillow_version": Image.__version__ if hasattr(Image, "__version__") else "", "images": []}
import PIL
out["pillow_version"] = PIL.__version__
for mode, fmt in [("RGB", "PNG"), ("RGBA", "PNG"), ("LA", "PNG"), ("L", "PNG"), ("RGB", "BMP"), ("RGB", "TGA")]:
    w, h = 9, 7
    channels = len(mode)
    # Include the extremes and colors whose luma lands on rounding boundaries.
    values = [random.randrange(256) for _ in range(w * h * channels)]
    values[:channels] = [255] * channels
    values[channels:2 * channels] = [0] * channels
    image = Image.frombytes(mode, (w, h), bytes(values))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    gray = image.convert("L")
    out["images"].append({
        "mode": mode, "format": fmt, "width": w, "height": h,
        "file_base64": base64.b64encode(buffer.getvalue()).decode(),
        "gray": list(gray.tobytes()),
    })
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "MLPLabTests", "Support", "Fixtures", "pillow-gray.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
