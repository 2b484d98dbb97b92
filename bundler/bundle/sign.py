"""Signed bundles: a PAdES signature over the finished bundle, and reading it back.

Takes a built bundle and a PKCS#12 key (``.p12``/``.pfx``: the certificate of the person
or office signing, with its private key); signs the bundle in place as an incremental
update with pyHanko, so that a PDF reader shows it as signed and unaltered, and any byte
changed afterwards breaks the signature. Reading gives who signed, when, and whether the
file is still exactly what was signed.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BundleError
from ..output import atomic_write_bytes

__all__ = ["SignatureInfo", "load_signer", "sign_bundle", "sign_bytes", "signatures"]


@dataclass(frozen=True)
class SignatureInfo:
    """One signature in a bundle, as verify reports it."""

    signer: str  # the certificate's subject, e.g. "Common Name: D. Sample, Organization: ..."
    signed_at: str  # the signing time the signer recorded, ISO 8601, or "" when none
    intact: bool  # the signed bytes are unchanged and the signature is cryptographically valid
    whole_file: bool  # nothing was saved into the file after the signature
    trusted: bool  # the certificate chains to an authority this machine trusts
    covers: int  # the byte offset up to which the signature covers the file


def _quiet_pyhanko() -> None:
    """pyHanko logs every validation doubt with a traceback; verify reports it in words."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def load_signer(key: Path, password: bytes | None) -> Any:
    """The signing key and certificate from a PKCS#12 file, or a BundleError naming it.

    Called before the build starts, so a wrong password costs nothing."""
    from pyhanko.sign import signers

    _quiet_pyhanko()
    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(key), passphrase=password)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise BundleError(f"{key}: cannot be read as a signing key ({exc})") from None
    if signer is None:
        raise BundleError(
            f"{key}: cannot be opened as a PKCS#12 signing key (wrong password, or not a .p12/.pfx file); "
            "set BUNDLER_SIGN_PASSWORD or type the password when asked"
        )
    return signer


def sign_bytes(data: bytes, signer: Any, label: str, *, reason: str = "") -> bytes:
    """The bundle ``data`` with a PAdES signature added as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    _quiet_pyhanko()
    meta = signers.PdfSignatureMetadata(
        field_name="BundlerSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or "Referral bundle built and verified by bundler",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    try:
        signed = signers.sign_pdf(writer, meta, signer=signer)
    except (SigningError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise BundleError(f"{label}: could not be signed ({type(exc).__name__}: {exc})") from None
    return bytes(signed.getvalue())


def sign_bundle(path: Path, key: Path, password: bytes | None, *, reason: str = "") -> None:
    """Sign the bundle at ``path`` with the PKCS#12 ``key``, in place (atomically)."""
    signer = load_signer(key, password)
    atomic_write_bytes(path, sign_bytes(path.read_bytes(), signer, str(path), reason=reason))


def trust_roots() -> list[Any]:
    """The certificate authorities a signature may chain to: this machine's trust store,
    and the PEM files named in BUNDLER_TRUST_ROOTS (an LA's own authority, say), separated
    by the path separator."""
    import os
    import ssl

    from asn1crypto import pem, x509

    files = [ssl.get_default_verify_paths().cafile or "", *os.environ.get("BUNDLER_TRUST_ROOTS", "").split(os.pathsep)]
    roots = []
    for name in files:
        if not name:
            continue
        try:
            data = Path(name).read_bytes()
        except OSError:
            continue
        blocks = [block for _, _, block in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        for block in blocks:
            try:
                roots.append(x509.Certificate.load(block))
            except ValueError:
                continue
    return roots


def signatures(data: bytes) -> list[SignatureInfo]:
    """Every signature in a PDF, validated (no network: nothing is fetched)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    _quiet_pyhanko()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError):
        return []
    found = []
    roots = trust_roots() if embedded else []
    for sig in embedded:
        try:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = validate_pdf_signature(sig, context, skip_diff=True)
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
