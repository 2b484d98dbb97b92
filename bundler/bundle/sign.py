"""Signed bundles: a PAdES signature over the finished bundle, and reading it back.

Takes a built bundle and a PKCS#12 key (``.p12``/``.pfx``: the certificate of the person
or office signing, with its private key); signs the bundle in place as an incremental
update with pyHanko, so that a PDF reader shows it as signed and unaltered, and any byte
changed afterwards breaks the signature. Reading gives who signed, when, and whether the
file is still exactly what was signed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import BundleError
from ..output import atomic_write_bytes

__all__ = ["SignatureInfo", "sign_bundle", "signatures"]


@dataclass(frozen=True)
class SignatureInfo:
    """One signature in a bundle, as verify reports it."""

    signer: str  # the certificate's subject, e.g. "Common Name: D. Sample, Organization: ..."
    signed_at: str  # the signing time the signer recorded, ISO 8601, or "" when none
    intact: bool  # the signed bytes are unchanged and the signature is cryptographically valid
    whole_file: bool  # nothing was saved into the file after the signature
    trusted: bool  # the certificate chains to an authority this machine trusts
    covers: int  # the byte offset up to which the signature covers the file


def sign_bundle(path: Path, key: Path, password: bytes | None, *, reason: str = "") -> None:
    """Sign the bundle at ``path`` with the PKCS#12 ``key``, in place (atomically)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(key), passphrase=password)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise BundleError(f"{key}: cannot be read as a signing key ({exc})") from None
    if signer is None:
        raise BundleError(f"{key}: cannot be opened as a PKCS#12 signing key (wrong password, or not a .p12 file)")
    meta = signers.PdfSignatureMetadata(
        field_name="BundlerSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or "Referral bundle built and verified by bundler",
    )
    data = path.read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    try:
        signed = signers.sign_pdf(writer, meta, signer=signer)
    except (SigningError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise BundleError(f"{path}: could not be signed ({type(exc).__name__}: {exc})") from None
    atomic_write_bytes(path, signed.getvalue())


def signatures(data: bytes) -> list[SignatureInfo]:
    """Every signature in a PDF, validated (no network: nothing is fetched)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError):
        return []
    found = []
    for sig in embedded:
        try:
            status = validate_pdf_signature(sig, ValidationContext(allow_fetching=False), skip_diff=True)
        except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
            found.append(SignatureInfo(f"an unreadable signature ({exc})", "", False, False, False, 0))
            continue
        cert = status.signing_cert
        subject = cert.subject.human_friendly if cert is not None else "an unknown signer"
        when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
        coverage = str(getattr(status.coverage, "name", status.coverage))
        byte_range = sig.sig_object.get("/ByteRange")
        covers = int(byte_range[2]) + int(byte_range[3]) if byte_range is not None else 0
        found.append(
            SignatureInfo(
                subject,
                when,
                bool(status.intact and status.valid),
                coverage == "ENTIRE_FILE",
                bool(status.trusted),
                covers,
            )
        )
    return found
