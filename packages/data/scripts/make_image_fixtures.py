"""Reference fixtures for the image-folder recipes, made with Pillow and torchvision (Debian's
python3-pil / python3-torchvision: Pillow 9.4, torchvision 0.14.1). Run from packages/data:

    /usr/bin/python3 scripts/make_image_fixtures.py

Writes fixtures/images/photos/<class>/<file> (a small labelled folder in every format the loader
reads) and fixtures/images/reference.json (what Pillow + torchvision make of them). The tests
compare trainkit's decoder and recipes with these numbers; nothing here is produced by trainkit.
"""
import base64
import json
import os

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "images")
PHOTOS = os.path.join(OUT, "photos")


def smooth_rgb(rng, h, w):
    a = (rng.random((h, w, 3)) * 255).astype(np.uint8)
    return Image.fromarray(a).filter(ImageFilter.GaussianBlur(3))


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


def main():
    rng = np.random.default_rng(20)
    for c in ("cat", "dog"):
        os.makedirs(os.path.join(PHOTOS, c), exist_ok=True)
    files = {
        "cat/a.jpg": (smooth_rgb(rng, 90, 120), dict(format="JPEG", quality=95)),
        "cat/b.png": (smooth_rgb(rng, 80, 64).convert("L"), dict(format="PNG")),
        "dog/c.png": (smooth_rgb(rng, 100, 100).convert("RGBA"), dict(format="PNG")),
        "dog/d.webp": (smooth_rgb(rng, 70, 110), dict(format="WEBP", lossless=True)),
        "dog/e.jpeg": (smooth_rgb(rng, 128, 96), dict(format="JPEG", quality=90)),
    }
    ref = {"images": {}}
    for name, (img, kw) in files.items():
        path = os.path.join(PHOTOS, name)
        if name == "dog/c.png":
            # a real alpha channel: a gradient, so dropping it is visible
            arr = np.asarray(img).copy()
            arr[..., 3] = np.linspace(0, 255, arr.shape[1], dtype=np.uint8)[None, :]
            img = Image.fromarray(arr, "RGBA")
        img.save(path, **kw)
        pil = Image.open(path)
        rgb = pil.convert("RGB")
        grey = pil.convert("L")
        entry = {
            "width": pil.width,
            "height": pil.height,
            "rgb": b64(np.asarray(rgb)),
            "grey": b64(np.asarray(grey)),
            # torchvision's ImageNet evaluation recipe at a small scale: Resize(40) + CenterCrop(32)
            "resizeCenterCrop": b64(np.asarray(T.CenterCrop(32)(T.Resize(40)(rgb)))),
            # Keras-style stretch to 24x32 (height, width) with Pillow's bilinear filter
            "resize": b64(np.asarray(rgb.resize((32, 24), Image.BILINEAR))),
            # ImageNet normalisation of the full-size image (ToTensor + Normalize), CHW float32
            "imagenetFirstPixel": T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(
                T.ToTensor()(rgb)
            )[:, 0, 0].tolist(),
            "minusOneToOne": (T.ToTensor()(rgb) * 2 - 1)[:, 0, 0].tolist(),
        }
        ref["images"][name] = entry

    # Geometry: Resize(size) output size and CenterCrop / TenCrop boxes, read off an index image
    # whose value at (y, x) is y * W + x.
    geometry = []
    for (w, h, size, crop) in [(120, 90, 40, 32), (64, 80, 40, 32), (100, 100, 40, 32),
                               (333, 500, 256, 224), (500, 375, 256, 224), (257, 256, 256, 224),
                               (101, 75, 50, 25), (75, 101, 51, 24)]:
        img = torch.zeros((1, h, w))
        rh, rw = F.resize(img, size).shape[1:]
        idx = torch.arange(rh * rw, dtype=torch.float64).reshape(1, rh, rw)
        boxes = []
        for view in T.TenCrop(crop)(idx):
            first, second = int(view[0, 0, 0]), int(view[0, 0, 1])
            flipped = second < first
            top, left = divmod(first, rw)
            if flipped:
                left = left - (crop - 1)
            boxes.append({"top": top, "left": left, "flip": flipped})
        cc = T.CenterCrop(crop)(idx)
        ctop, cleft = divmod(int(cc[0, 0, 0]), rw)
        geometry.append({"width": w, "height": h, "resize": size, "crop": crop,
                         "resized": [rh, rw], "center": {"top": ctop, "left": cleft},
                         "tenCrop": boxes})
    ref["geometry"] = geometry

    # RandomResizedCrop's fallback (an area scale that cannot fit makes all ten tries fail).
    fallback = []
    for (w, h) in [(100, 100), (300, 100), (100, 300), (120, 90), (31, 200), (200, 31)]:
        i, j, hh, ww = T.RandomResizedCrop.get_params(torch.zeros((1, h, w)), [1.5, 2.0], [3 / 4, 4 / 3])
        fallback.append({"width": w, "height": h, "box": {"top": i, "left": j, "height": hh, "width": ww}})
    ref["randomResizedCropFallback"] = fallback

    # The mean area fraction and aspect of many torchvision RandomResizedCrop boxes on 200x150.
    torch.manual_seed(0)
    areas, logs = [], []
    for _ in range(20000):
        i, j, hh, ww = T.RandomResizedCrop.get_params(torch.zeros((1, 150, 200)), [0.08, 1.0], [3 / 4, 4 / 3])
        areas.append(hh * ww / (200 * 150))
        logs.append(np.log(ww / hh))
    ref["randomResizedCropStats"] = {"width": 200, "height": 150, "samples": 20000,
                                     "meanArea": float(np.mean(areas)), "stdArea": float(np.std(areas)),
                                     "meanLogAspect": float(np.mean(logs))}
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    main()
