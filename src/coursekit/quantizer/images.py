"""Reading an image as a viewer shows it, and writing an indexed PNG: the input and output of quantize.py.

Any file Pillow reads: its EXIF orientation applied, CMYK and LAB converted
to RGB, a palette applied, grey repeated on three channels, alpha dropped,
16-bit scaled to 8 bits, each with a note for the log. Only regular files are
opened, and only images of at most IMAGE_MAX_PIXELS are decoded.
"""

import contextlib

import numpy as np


def as_rgb8(I, source="image", notes=None):
    """Return I as a uint8 (H, W, 3) RGB array, and notes on any conversion made.

    Grey images are repeated on three channels, an alpha channel is dropped
    (colours are kept as they are, not composited), 16-bit images are scaled
    to 8 bits. Anything else (floats, other shapes) is refused, with
    ``source`` (if given) at the start of the message.
    """
    from coursekit.core import InputError

    prefix = f"{source}: " if source else ""
    notes = [] if notes is None else notes
    I = np.asarray(I)
    if I.dtype == np.uint16:
        I = ((I.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
        notes.append("16-bit image scaled to 8 bits")
    elif I.dtype == bool:
        I = I.astype(np.uint8) * 255
        notes.append("black-and-white image stretched to 0/255")
    if I.dtype != np.uint8:
        raise InputError(f"{prefix}pixels of type {I.dtype} are not supported (8- or 16-bit integers only)")
    if I.ndim == 3 and I.shape[2] in (1, 2):
        notes.append("grey" + (" + alpha" if I.shape[2] == 2 else "") + " image: grey repeated on R, G and B")
        I = np.repeat(I[:, :, :1], 3, axis=2)
    elif I.ndim == 2:
        notes.append("grey image: grey repeated on R, G and B")
        I = np.repeat(I[:, :, None], 3, axis=2)
    elif I.ndim == 3 and I.shape[2] == 4:
        notes.append("alpha channel dropped")
        I = I[:, :, :3]
    if I.ndim != 3 or I.shape[2] != 3:
        raise InputError(f"{prefix}expected an RGB image, got an array of shape {I.shape}")
    if I.shape[0] == 0 or I.shape[1] == 0:
        raise InputError(f"{prefix}the image is empty (shape {I.shape})")
    return np.ascontiguousarray(I), notes


IMAGE_MAX_BYTES = 1 << 30  # an image file larger than 1 GiB is refused before it is opened
IMAGE_MAX_PIXELS = 1 << 28  # and one of more than 268 megapixels before it is decoded (its header says)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# text chunks whose keyword says they hold EXIF or XMP, where Pillow also finds an orientation to apply
PNG_ORIENTATION_KEYWORDS = (b"Raw profile type exif\0", b"XML:com.adobe.xmp\0")
ORIENTATIONS = {2: "mirrored", 3: "rotated 180 degrees", 4: "flipped upside down", 5: "mirrored and rotated",
                6: "rotated 90 degrees clockwise", 7: "mirrored and rotated", 8: "rotated 90 degrees anticlockwise"}


def to_rgb(image):
    """Return a Pillow image as the array a viewer shows: uint8 (H, W, 3) RGB, and notes on what was done.

    The EXIF orientation is applied; CMYK, LAB, YCbCr and HSV are converted to
    RGB (through the file's ICC profile when it has one); a palette is applied;
    grey is repeated on three channels; alpha is dropped; 16-bit grey is scaled
    to 8 bits (see :func:`as_rgb8`).
    """
    import io

    from PIL import ImageCms, ImageOps

    notes = []
    orientation = image.getexif().get(0x0112, 1)
    if orientation in ORIENTATIONS:
        image = ImageOps.exif_transpose(image)
        notes.append(f"{ORIENTATIONS[orientation]}, as its EXIF orientation ({orientation}) says")
    mode = image.mode
    if mode in ("CMYK", "LAB", "YCbCr", "HSV"):
        profile = image.info.get("icc_profile")
        if profile and mode in ("CMYK", "LAB"):
            image = ImageCms.profileToProfile(image, io.BytesIO(profile), ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
            notes.append(f"{mode} image converted to RGB through its ICC profile")
        else:
            image = image.convert("RGB")
            notes.append(f"{mode} image converted to RGB")
    elif mode in ("P", "PA"):
        alpha = mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
        notes.append("palette image: its palette applied, giving RGB")
    elif mode in ("La", "RGBa"):  # premultiplied alpha: divide it out first
        image = image.convert("LA" if mode == "La" else "RGBA")
    elif mode == "RGBX":
        image = image.convert("RGB")
    elif mode == "I" or mode.startswith("I;16"):
        A = np.asarray(image)
        if A.min() < 0 or A.max() > 65535:
            raise ValueError(f"32-bit integer pixels outside 0..65535 (mode {mode})")
        return as_rgb8(A.astype(np.uint16), source=None, notes=notes)
    return as_rgb8(np.asarray(image), source=None, notes=notes)


@contextlib.contextmanager
def pillow_pixel_cap(pixels):
    """Set Pillow's decompression-bomb limit (a global) for the block, then restore it."""
    from PIL import Image

    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def read_image(path):
    """Read an image file as a viewer shows it; return it as uint8 RGB (H, W, 3), and conversion notes.

    Only a regular file of at most IMAGE_MAX_BYTES is opened, and only an
    image of at most IMAGE_MAX_PIXELS (read from its header) is decoded. A
    plain 8-bit RGB PNG (:func:`plain_png`) is decoded by imagecodecs, without
    Pillow; any other image by Pillow (:func:`to_rgb`).

    Raises
    ------
    coursekit.core.InputError
        Naming the path and the real cause: missing, a folder or a FIFO,
        permission denied, too many pixels (with the cap), not an image,
        truncated, or of an unsupported kind.
    """
    from coursekit.core import InputError, check_input

    check_input(path, IMAGE_MAX_BYTES, "an image")
    try:
        size = plain_png(path)
        if size is None:
            return read_with_pillow(path)
        check_pixels(path, *size)
        return decode_png(path, size), []
    except InputError as error:
        if str(error).startswith(str(path)):
            raise
        raise InputError(f"{path}: {error}") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except Exception as error:  # Pillow raises many types for damaged files
        raise InputError(f"{path}: cannot be read as an image ({type(error).__name__}: {error})") from None


def check_pixels(path, width, height):
    """Refuse, before decoding, an image of more than IMAGE_MAX_PIXELS pixels (its header gives its size)."""
    from coursekit.core import InputError

    if width * height > IMAGE_MAX_PIXELS:
        raise InputError(f"{path}: {width} x {height} = {width * height / 1e6:.3g} megapixels, more than the "
                         f"{IMAGE_MAX_PIXELS / 1e6:.3g} megapixels an image may have (images.IMAGE_MAX_PIXELS)")


def read_with_pillow(path):
    """:func:`read_image` for any image Pillow opens: its size checked first, then :func:`to_rgb`."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    from coursekit.core import InputError

    try:
        with warnings.catch_warnings(), pillow_pixel_cap(None):  # the cap is ours, with its own message
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                check_pixels(path, *image.size)
                frames = getattr(image, "n_frames", 1)
                image.seek(0)
                I, notes = to_rgb(image)
                if frames > 1:  # an animated GIF or PNG, a multi-page TIFF
                    notes.append(f"{frames} frames: the first frame was used")
                return I, notes
    except UnidentifiedImageError:
        raise InputError(f"{path}: cannot be read as an image (not in a format Pillow knows)") from None


def png_chunks(path):
    """The chunks of a PNG file as (type, its first 32 bytes of data), in order; the rest of the data is skipped.

    Empty if the file does not start with the PNG signature.
    """
    import struct

    chunks = []
    with open(path, "rb") as f:
        if f.read(8) != PNG_SIGNATURE:
            return chunks
        while len(header := f.read(8)) == 8:
            length, kind = struct.unpack(">I4s", header)
            chunks.append((kind, f.read(min(length, 32))))
            if kind == b"IEND":
                break
            f.seek(length + 4 - len(chunks[-1][1]), 1)  # the rest of the data, and the CRC
    return chunks


def plain_png(path):
    """(width, height) of an 8-bit RGB PNG with nothing to apply (no transparency, no orientation, one frame); else None.

    Its pixels are then exactly what Pillow gives, read by :func:`decode_png`
    without Pillow. None too where imagecodecs is not installed (the course
    under another NumPy, compat.py, installs only NumPy, Pillow and PyYAML):
    Pillow reads it.
    """
    import importlib.util
    import struct

    chunks = png_chunks(path)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        return None
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[0][1][:10])
    if depth != 8 or colour_type != 2:
        return None
    for kind, data in chunks:
        if kind in (b"tRNS", b"eXIf", b"acTL") or (kind in (b"tEXt", b"zTXt", b"iTXt")
                                          and data.startswith(PNG_ORIENTATION_KEYWORDS)):
            return None
    if importlib.util.find_spec("imagecodecs") is None:
        return None
    return width, height


def decode_png(path, size):
    """Decode a plain 8-bit RGB PNG with imagecodecs (libpng): the pixels Pillow gives, in about 60% of the time.

    12 megapixels: 0.12 to 0.16 s where Pillow takes 0.22 s (README), a fifth
    of the whole quantize command. Anything else than (height, width, 3) uint8 is refused.
    """
    import imagecodecs

    with open(path, "rb") as f:
        data = f.read()
    shape = (size[1], size[0], 3)
    pixels = imagecodecs.png_decode(data, out=image_array(shape))
    if pixels.shape != shape or pixels.dtype != np.uint8:
        raise ValueError(f"decoded as {pixels.shape} {pixels.dtype}, expected {shape} uint8")
    return np.ascontiguousarray(pixels)


def image_array(shape):
    """An uninitialised uint8 array for a decoded image, in 2 MB pages where Linux offers them.

    A 12-megapixel photo is 36 MB: 18 page faults to fill it instead of
    9,000 (the decode measured 130 against 143 ms). The quantize command turns
    NumPy's own 2 MB pages off for what it computes after it forks
    (quantize.py); an image is written once, before, and only read after.
    """
    import mmap

    count = int(np.prod(shape))
    if count < 4 << 20 or not hasattr(mmap, "MADV_HUGEPAGE"):
        return np.empty(shape, dtype=np.uint8)
    memory = mmap.mmap(-1, count, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    memory.madvise(mmap.MADV_HUGEPAGE)
    return np.frombuffer(memory, dtype=np.uint8).reshape(shape)


def write_indexed_png(path, index, palette):
    """Write a quantized image as what it is, an indexed (palette) PNG, atomically.

    ``index`` (H, W) holds each pixel's palette entry, ``palette`` (k, 3) uint8
    the colours, k <= 256. A third of the bytes of the RGB image to compress
    (a sixth for 16 colours). The file is laid out here (:func:`png_bytes`:
    four chunks) and compressed with libdeflate (imagecodecs) at level 2: 16
    colours on 12 megapixels in 15 ms, 486 kB (level 1 took longer for 509 kB;
    Pillow's writer, 0.08 s at its fastest). Any reader (imageio, Pillow, a
    browser) shows it as RGB.
    """
    from coursekit.core import atomic_path

    data = png_bytes(index, palette)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)


def png_bytes(index, palette):
    """The bytes of an indexed PNG: signature, IHDR, PLTE, one IDAT, IEND (PNG specification, 3rd edition).

    Entries take as few bits as the palette needs, as Pillow writes them: 1
    for 2 colours, 2 for 4, 4 for 16, else 8 (16 colours: half the bytes to
    compress). Each row of the image data starts with its filter type, 0
    (None): the indices of a quantized photo compress as well unfiltered.
    """
    import struct
    import zlib

    import imagecodecs

    index = np.asarray(index, dtype=np.uint8)
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    if not 1 <= len(palette) <= 256:
        raise ValueError(f"an indexed PNG holds 1 to 256 colours, got {len(palette)}")
    if index.ndim != 2 or index.size == 0:
        raise ValueError(f"expected a non-empty 2-D array of palette entries, got shape {index.shape}")
    if int(index.max()) >= len(palette):
        raise ValueError(f"entry {int(index.max())} is beyond the palette's {len(palette)} colours")
    height, width = index.shape
    depth = next(bits for bits in (1, 2, 4, 8) if len(palette) <= 1 << bits)
    per_byte = 8 // depth
    rows = np.empty((height, 1 - (-width // per_byte)), dtype=np.uint8)
    rows[:, 0] = 0  # each row's filter type
    if depth == 8:
        rows[:, 1:] = index
    else:  # pixel j of a byte in its high bits first: entry << (8 - depth * (j + 1)); no temporary for 16 colours
        np.multiply(index[:, 0::per_byte], 1 << (8 - depth), out=rows[:, 1:])
        for j in range(1, per_byte):
            part = index[:, j::per_byte]
            rows[:, 1:1 + part.shape[1]] |= part << (8 - depth * (j + 1)) if j < per_byte - 1 else part

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, depth, 3, 0, 0, 0)  # colour type 3 (indexed), no interlace
    return (PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"PLTE", palette.tobytes())
            + chunk(b"IDAT", imagecodecs.deflate_encode(rows, level=2)) + chunk(b"IEND", b""))
