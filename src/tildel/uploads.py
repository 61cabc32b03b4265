"""Checks on uploaded files (opplastinger) by their content, not only their name: a scanned
letter must be a PDF or an image of the kind its name says, and a CSV must be text in
UTF-8. The importers check every line again; these checks give the clear message at once,
on the form's field. No Django imports: plain bytes in, a Norwegian message or None out.
"""

from __future__ import annotations

#: What a file of each kind starts with (its "magic number").
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "tiff": (b"II*\x00", b"MM\x00*"),
}
#: File name endings accepted for each kind.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",), "png": (".png",), "jpeg": (".jpg", ".jpeg"), "tiff": (".tif", ".tiff"),
}
#: How much of a file the checks read.
HEAD_BYTES = 64 * 1024
ZIP = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def document_kind(head: bytes) -> str | None:
    """The kind of document the bytes start with, or None."""
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    return None


def scan_problem(name: str, head: bytes) -> str | None:
    """Why an uploaded scan (skannet brev) cannot be kept, or None: it must be a PDF or a
    PNG, JPEG or TIFF image, and its name must say the kind its content is."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    named = next((kind for kind, endings in SUFFIXES.items() if suffix in endings), None)
    if named is None:
        return "Last opp en PDF eller et bilde (PNG, JPEG, TIFF)."
    found = document_kind(head)
    if found is None:
        return ("Innholdet i filen er ikke en PDF eller et bilde, selv om navnet slutter på "
                f"«{suffix}». Skann brevet på nytt, eller lagre det som PDF.")
    if found != named:
        return (f"Filen heter «…{suffix}», men innholdet er {found.upper()}. Gi filen riktig "
                "filtype, eller lagre den som PDF.")
    return None


def text_problem(head: bytes, *, complete: bool) -> str | None:
    """Why the start of an uploaded CSV is not UTF-8 text, or None. ``complete`` says that
    ``head`` is the whole file (otherwise a character cut at the end is allowed)."""
    if head.startswith(ZIP):
        return ("Dette er en Excel-fil eller et annet komprimert format. Lagre den som "
                "«CSV UTF-8 (kommadelt)» og last opp CSV-filen.")
    if head.startswith(UTF16_BOMS):
        return ("Filen er lagret som UTF-16, ikke UTF-8. Lagre den på nytt som «CSV UTF-8» "
                "og last den opp igjen.")
    if b"\x00" in head:
        return "Filen inneholder binære data og er ikke en CSV-fil."
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        cut_at_the_end = not complete and error.start >= len(head) - 3 \
            and error.reason == "unexpected end of data"
        if not cut_at_the_end:
            return ("Filen er ikke lagret som UTF-8. Lagre den på nytt som «CSV UTF-8» (i "
                    "Excel: Lagre som → CSV UTF-8) og last den opp igjen.")
    return None


def read_head(upload) -> bytes:
    """The first HEAD_BYTES of an uploaded file, leaving it at the start for the next
    reader."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head
