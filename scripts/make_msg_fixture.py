"""Write the fictional Outlook ``.msg`` test fixtures (tests/fixtures/imports/*.msg).

A ``.msg`` is an OLE compound file (MS-CFB) holding MAPI properties (MS-OXMSG). There is
no permissively licensed writer to depend on, so this is a small one: enough of MS-CFB
(version 3, 512-byte sectors, a mini stream for small streams) and of MS-OXMSG
(property streams, string and binary properties, recipients, attachments, an attached
message) to write messages that Outlook's own format describes. Every name, address
and date in them is fictional. Run it from the repository root:

    python scripts/make_msg_fixture.py

It is a test tool only: bundler reads .msg files (bundler/case/outlook.py) and never
writes them.
"""

from __future__ import annotations

import datetime as dt
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class Stream:
    name: str
    data: bytes


@dataclass
class Storage:
    name: str
    children: list[Stream | Storage] = field(default_factory=list)


def _chain(table: list[int], start: int, count: int) -> None:
    for i in range(count):
        table[start + i] = start + i + 1 if i < count - 1 else END


def write_cfb(root: Storage) -> bytes:
    """The bytes of a compound file holding ``root``'s tree."""
    entries: list[tuple[Stream | Storage, int]] = []  # (node, parent index)

    def collect(node: Stream | Storage, parent: int) -> None:
        entries.append((node, parent))
        me = len(entries) - 1
        if isinstance(node, Storage):
            for child in node.children:
                collect(child, me)

    collect(root, -1)
    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[int, bytes]] = []  # (entry index, data)
    start: dict[int, int] = {}
    for i, (node, _) in enumerate(entries):
        if isinstance(node, Stream):
            if len(node.data) < CUTOFF:
                first = len(mini) // MINI
                n = max(1, -(-len(node.data) // MINI)) if node.data else 0
                if n:
                    minifat += [0] * n
                    _chain(minifat, first, n)
                    mini += node.data + b"\0" * (n * MINI - len(node.data))
                start[i] = first if n else END
            else:
                big.append((i, node.data))
    n_mini_sectors = -(-len(mini) // SECTOR)
    n_minifat = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    n_dir = -(-len(entries) * 128 // SECTOR)
    n_big = sum(-(-len(d) // SECTOR) for _, d in big)
    other = n_big + n_mini_sectors + n_minifat + n_dir
    n_fat = 1
    while n_fat * 128 < other + n_fat:
        n_fat += 1
    assert n_fat <= 109, "too large for this small writer"
    fat = [FREE] * (n_fat * 128)
    sector = 0
    body = bytearray()
    for i, data in big:
        n = -(-len(data) // SECTOR)
        _chain(fat, sector, n)
        start[i] = sector
        sector += n
        body += data + b"\0" * (n * SECTOR - len(data))
    mini_start = sector if n_mini_sectors else END
    _chain(fat, sector, n_mini_sectors)
    sector += n_mini_sectors
    body += mini + b"\0" * (n_mini_sectors * SECTOR - len(mini))
    minifat_start = sector if n_minifat else END
    _chain(fat, sector, n_minifat)
    sector += n_minifat
    mf = b"".join(struct.pack("<I", v) for v in minifat) + struct.pack("<I", FREE) * (n_minifat * 128 - len(minifat))
    body += mf
    dir_start = sector
    _chain(fat, sector, n_dir)
    sector += n_dir
    for k in range(n_fat):
        fat[sector + k] = FATSECT
    fat_sectors = list(range(sector, sector + n_fat))

    # directory: children of a storage form a chain of right siblings, sorted as MS-CFB compares names
    kids: dict[int, list[int]] = {}
    for i, (_, parent) in enumerate(entries):
        if parent >= 0:
            kids.setdefault(parent, []).append(i)
    right: dict[int, int] = {}
    child: dict[int, int] = {}
    for parent, members in kids.items():
        members.sort(key=lambda j: (len(entries[j][0].name), entries[j][0].name.upper()))
        child[parent] = members[0]
        for a, b in zip(members, members[1:]):
            right[a] = b
    directory = bytearray()
    for i, (node, _) in enumerate(entries):
        name = node.name.encode("utf-16-le")
        assert len(name) <= 62, node.name
        kind = 5 if i == 0 else (1 if isinstance(node, Storage) else 2)
        if i == 0:
            first, size = mini_start, len(mini)
        elif isinstance(node, Stream):
            first, size = start.get(i, END), len(node.data)
        else:
            first, size = 0, 0
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name + b"\0\0",
            len(name) + 2,
            kind,
            1,
            NOSTREAM,
            right.get(i, NOSTREAM),
            child.get(i, NOSTREAM),
            b"\0" * 16,
            0,
            0,
            0,
            first,
            size,
        )
    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)
    while len(directory) < n_dir * SECTOR:
        directory += empty
    body += directory
    body += b"".join(struct.pack("<I", v) for v in fat)
    difat = fat_sectors + [FREE] * (109 - len(fat_sectors))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        n_fat,
        dir_start,
        0,
        CUTOFF,
        minifat_start,
        n_minifat,
        END,
        0,
    ) + b"".join(struct.pack("<I", v) for v in difat)
    assert len(header) == SECTOR
    return bytes(header + body)


# ----------------------------------------------------------------------- MS-OXMSG

PT_LONG, PT_BOOLEAN, PT_OBJECT, PT_UNICODE, PT_SYSTIME, PT_BINARY = 0x0003, 0x000B, 0x000D, 0x001F, 0x0040, 0x0102


def _filetime(when: dt.datetime) -> int:
    return int((when - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)).total_seconds() * 10_000_000)


def mapi_object(props: dict[tuple[int, int], object], header: bytes) -> list[Stream | Storage]:
    """The property stream and the substorage streams of one MAPI object."""
    entries = bytearray(header)
    streams: list[Stream | Storage] = []
    for (prop, ptype), value in sorted(props.items()):
        tag = (prop << 16) | ptype
        if ptype == PT_UNICODE:
            data = str(value).encode("utf-16-le") + b"\0\0"
            streams.append(Stream(f"__substg1.0_{prop:04X}{ptype:04X}", data[:-2]))
            entries += struct.pack("<IIII", tag, 6, len(data), 0)
        elif ptype == PT_BINARY:
            assert isinstance(value, bytes)
            streams.append(Stream(f"__substg1.0_{prop:04X}{ptype:04X}", value))
            entries += struct.pack("<IIII", tag, 6, len(value), 0)
        elif ptype == PT_LONG:
            entries += struct.pack("<IIiI", tag, 6, int(value), 0)  # type: ignore[call-overload]
        elif ptype == PT_BOOLEAN:
            entries += struct.pack("<IIII", tag, 6, 1 if value else 0, 0)
        elif ptype == PT_SYSTIME:
            assert isinstance(value, dt.datetime)
            entries += struct.pack("<IIq", tag, 6, _filetime(value))
        elif ptype == PT_OBJECT:
            entries += struct.pack("<IIII", tag, 6, 0xFFFFFFFF, 0)
    return [Stream("__properties_version1.0", bytes(entries)), *streams]


def message(
    *,
    subject: str,
    sender: tuple[str, str],
    to: list[tuple[str, str]],
    cc: list[tuple[str, str]] = (),  # type: ignore[assignment]
    sent: dt.datetime,
    body: str,
    html: str | None = None,
    read_receipt: bool = False,
    attachments: list[dict[str, object]] = (),  # type: ignore[assignment]
    embedded: bool = False,
) -> list[Stream | Storage]:
    """The top-level (or, with ``embedded``, an attached message's) streams and storages."""
    props: dict[tuple[int, int], object] = {
        (0x0037, PT_UNICODE): subject,
        (0x0C1A, PT_UNICODE): sender[0],
        (0x5D01, PT_UNICODE): sender[1],
        (0x0E04, PT_UNICODE): "; ".join(n for n, _ in to),
        (0x0039, PT_SYSTIME): sent,
        (0x1000, PT_UNICODE): body,
        (0x0029, PT_BOOLEAN): read_receipt,
        (0x3FFD, PT_LONG): 65001,
    }
    if html is not None:
        props[(0x1013, PT_BINARY)] = html.encode("utf-8")
    recipients = [(1, n, a) for n, a in to] + [(2, n, a) for n, a in cc]
    n_attach = len(attachments)
    header = struct.pack("<8sIIII", b"\0" * 8, len(recipients), n_attach, len(recipients), n_attach)
    header += b"" if embedded else b"\0" * 8
    children = mapi_object(props, header)
    for i, (kind, name, addr) in enumerate(recipients):
        rprops = {
            (0x3001, PT_UNICODE): name,
            (0x39FE, PT_UNICODE): addr,
            (0x3003, PT_UNICODE): addr,
            (0x0C15, PT_LONG): kind,
        }
        children.append(Storage(f"__recip_version1.0_#{i:08X}", mapi_object(rprops, b"\0" * 8)))
    for i, att in enumerate(attachments):
        aprops: dict[tuple[int, int], object] = {(0x3707, PT_UNICODE): att["name"], (0x3001, PT_UNICODE): att["name"]}
        extra: list[Stream | Storage] = []
        if "message" in att:
            aprops[(0x3705, PT_LONG)] = 5
            aprops[(0x3701, PT_OBJECT)] = None
            extra.append(Storage("__substg1.0_3701000D", att["message"]))  # type: ignore[arg-type]
        else:
            aprops[(0x3705, PT_LONG)] = 1
            aprops[(0x3701, PT_BINARY)] = att["data"]
            aprops[(0x370E, PT_UNICODE)] = att["mime"]
            if "cid" in att:
                aprops[(0x3712, PT_UNICODE)] = att["cid"]
        children.append(Storage(f"__attach_version1.0_#{i:08X}", mapi_object(aprops, b"\0" * 8) + extra))
    return children


#: a 1x1 transparent PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def fixtures() -> dict[str, bytes]:
    sent = dt.datetime(2024, 11, 4, 10, 2, tzinfo=dt.UTC)
    reply = message(
        subject="Re: Sam's attendance",
        sender=("Alex Example", "alex.example@mail.example"),
        to=[("B. Lead", "b.lead@school.example")],
        sent=dt.datetime(2024, 11, 4, 18, 40, tzinfo=dt.UTC),
        body="Thank you, I will come to the meeting.\r\n",
        embedded=True,
    )
    letter_email = message(
        subject="Attendance concern - invitation to meeting",
        sender=("B. Lead", "b.lead@school.example"),
        to=[("Jo Sample", "jo.sample@post.example")],
        cc=[("Attendance office", "attendance@school.example")],
        sent=sent,
        body="Dear Mr Sample,\r\n\r\nSam's attendance this term is 84%. Please come to a meeting on 11 November.\r\n",
        html='<p>Dear Mr Sample,</p><p>Sam\'s attendance this term is <b>84%</b>.</p><p><img src="cid:crest@school.example"></p>',
        read_receipt=True,
        attachments=[
            {"name": "crest.png", "mime": "image/png", "data": PNG, "cid": "crest@school.example"},
            {"name": "attendance-summary.txt", "mime": "text/plain", "data": b"Possible 100, attended 84.\r\n"},
            {"name": "Re: Sam's attendance", "message": reply},
        ],
    )
    return {"email-to-p2.msg": write_cfb(Storage("Root Entry", letter_email))}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in fixtures().items():
        (out / name).write_bytes(data)
        print(f"wrote {out / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/fixtures/imports"))
