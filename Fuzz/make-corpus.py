#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, Fuzz/corpus/<Target>/, from Spec/vectors/*.json,
zlib streams made here, and scripted sessions.

Run from anywhere: python3 Fuzz/make-corpus.py. The output is committed; rerun after the
vectors change. FuzzFrames inputs start with the header FrameStreamInput.swift describes,
FuzzInflate inputs with the one InflateInput.swift describes, FuzzCodec inputs with the
settings byte CodecOracle.swift describes; FuzzSession inputs are scripts read as
SessionOracle.swift does (one byte per choice, in the order the oracle reads them).
"""
import json
import pathlib
import shutil
import zlib

FUZZ = pathlib.Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "Spec" / "vectors"
CORPUS = FUZZ / "corpus"
# Must match FrameStreamInput.limits.
LIMITS = [0, 1, 2, 3, 5, 8, 16, 64, 127, 128, 300, 4096, 16_383, 16_384, 65_536, 16 << 20]


def load(name):
    return json.loads((VECTORS / name).read_text())


def frames_header(max_payload, allows_compression, read_sizes):
    """The FuzzFrames header: the smallest table limit that admits max_payload, then the reads."""
    index = next((i for i, limit in enumerate(LIMITS) if limit >= max_payload), len(LIMITS) - 1)
    settings = index | (0x80 if allows_compression else 0)
    return bytes([settings, len(read_sizes)] + read_sizes)


# Must match InflateInput.caps.
CAPS = [64, 100, 128, 255, 256, 257, 512, 1000, 1024, 4095, 4096, 4097, 8192, 16_384, 32_768, 65_536]
ZLIB_FRAMES, RAW_NO_TAKEOVER, RAW_TAKEOVER = 0, 2, 3


def inflate_input(mode, cap, payloads):
    """A FuzzInflate input: mode and cap, the sizes of all payloads but the last (each under
    256 bytes), then the payloads."""
    sizes = [len(p) for p in payloads[:-1]]
    assert len(sizes) < 16 and all(size < 256 for size in sizes)
    return bytes([mode | CAPS.index(cap) << 2, len(sizes)] + sizes) + b"".join(payloads)


def raw_messages(texts, takeover):
    """permessage-deflate payloads: each text sync-flushed, the 00 00 ff ff tail stripped."""
    compressor = zlib.compressobj(wbits=-15)
    payloads = []
    for text in texts:
        if not takeover:
            compressor = zlib.compressobj(wbits=-15)
        data = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
        assert data.endswith(b"\x00\x00\xff\xff")
        payloads.append(data[:-4])
    return payloads


def codec_input(compressed, read_index, stream):
    """A FuzzCodec input: compression on or off, the index of the read size, then the stream."""
    return bytes([(1 if compressed else 0) | read_index << 1]) + stream


def compressed_frame(payload):
    """A byte-stream frame whose payload is one zlib stream (COMP-1)."""
    data = zlib.compress(payload)
    return bytes([0x01, 0x01]) + varint(len(data)) + data


def varint(value):
    """A varint as the byte stream's frame lengths use it (LEB128)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def codec_seeds(valid, frames):
    """Every valid message as frames, plain and compressed, in several read sizes; the frame
    vectors; a bomb and corrupt zlib data."""
    every = b"".join(bytes.fromhex(v["frame"]) for v in valid if v.get("frame"))
    payloads = [bytes.fromhex(v["hex"]) for v in valid if v.get("frame")]
    seeds = {
        "all-valid-whole": codec_input(False, 0, every),
        "all-valid-bytewise": codec_input(False, 1, every),
        "all-valid-compressed-on": codec_input(True, 4, every),
        "all-valid-compressed-frames": codec_input(True, 3, b"".join(compressed_frame(p) for p in payloads)),
        "compressed-before-welcome": codec_input(False, 0, compressed_frame(payloads[0])),
        "bomb": codec_input(True, 6, compressed_frame(bytes(100_000))),
        "corrupt-zlib": codec_input(True, 0, bytes([0x01, 0x01, 0x04, 0x78, 0x9C, 0xFF, 0xFF])),
    }
    for v in frames["valid"] + frames["invalid"]:
        seeds[f"frames-{v['name']}"] = codec_input(v.get("allowsCompression", False), 2, bytes.fromhex(v["hex"]))
    return seeds


def inflate_seeds():
    """Valid zlib and raw-deflate streams, a final-block message, a bomb, corrupt and truncated data."""
    text = b"Hello, Parley! " * 20
    bomb = zlib.compress(b"\0" * (1 << 20), 9)  # 1 MiB of zeros in about 1 KiB
    final = zlib.compressobj(wbits=-15)
    final_block = final.compress(b"final block " * 4) + final.flush()
    return {
        "zlib-one": inflate_input(ZLIB_FRAMES, 4096, [zlib.compress(text)]),
        "zlib-three-at-cap": inflate_input(ZLIB_FRAMES, 256, [zlib.compress(b"a" * 255), zlib.compress(b"b" * 256), zlib.compress(b"c" * 257)]),
        "zlib-stored": inflate_input(ZLIB_FRAMES, 1024, [zlib.compress(bytes(range(256)), 0)]),
        "zlib-bomb": inflate_input(ZLIB_FRAMES, 65_536, [bomb]),
        "zlib-trailing-bytes": inflate_input(ZLIB_FRAMES, 1024, [zlib.compress(text) + b"xx"]),
        "zlib-truncated": inflate_input(ZLIB_FRAMES, 1024, [zlib.compress(text)[:-3]]),
        "zlib-bad-adler": inflate_input(ZLIB_FRAMES, 1024, [zlib.compress(text)[:-1] + b"\x00"]),
        "zlib-dictionary": inflate_input(ZLIB_FRAMES, 1024, [bytes([0x78, 0xBB, 0, 0, 0, 1]) + zlib.compress(text)[2:]]),
        "raw-no-takeover": inflate_input(RAW_NO_TAKEOVER, 4096, raw_messages([text, b"second", b""], takeover=False)),
        "raw-takeover": inflate_input(RAW_TAKEOVER, 4096, raw_messages([text, text, b"third " + text], takeover=True)),
        "raw-takeover-final-block": inflate_input(RAW_TAKEOVER, 1024, [final_block] + raw_messages([b"final block again"], takeover=True)),
        "raw-bomb": inflate_input(RAW_TAKEOVER, 32_768, raw_messages([b"\0" * (1 << 18)], takeover=False)),
    }


# FuzzSession operations and arguments (SessionOracle.swift); conn is an index into the
# connections opened so far; a rid byte of 0 means a fresh rid, 220 the last one again, 255 zero.
OPEN = [0]
ANON, VISITOR_V1, AGENT_A1 = [0], [2], [3]
AGENT_A2_BOTH_TEAMS, SUPERVISOR_S1 = [4, 1], [5, 0]


def hello(conn, auth, resume=None):
    """hello on conn; resume is (session index, lastSeq choice: 0 last, 1 last-1, 3 zero)."""
    return [1, conn] + auth + ([1] + list(resume) if resume else [0]) + [0, 1]


def create(conn, rid=0):
    return [2, conn, rid, 1, 0, 0, 0, 1, 1]  # team support, text "hi", clientMessageId m1


def send(conn, conversation=0, message_id=0, rid=0):
    return [3, conn, 0, rid, conversation, message_id, 0]


def note(conn, conversation=0):
    return [11, conn, 0, conversation, 1, 2]


def typing(conn):
    return [4, conn, 0, 1, 0, 1]


def ack(conn):
    return [5, conn, 0, 0]


def join(conn, mode):
    return [6, conn, 0, 0, mode]


def transfer_to_a2(conn):
    return [7, conn, 0, 0, 2, 0, 1]


def close(conn):
    return [8, conn, 0, 0]


def subscribe(conn, topic):
    return [9, conn, topic, 1, 0]


def set_presence(conn):
    return [10, conn, 0, 1, 0, 1]


def accepting(conn):
    return [17, conn, 0, 0, 0]


def invite_first_user(conn):
    return [18, conn, 0, 0, 1]


def answer_first_invitation(conn):
    return [19, conn, 0, 0, 1]


def undecodable(conn, which):
    return [20, conn, which]


def drop(conn):
    return [21, conn]


def tick(conn, index):
    return [22, conn, index]


def session_seeds():
    """Scripts that reach real state: a chat with a note, a resume with replay, a replaced
    connection, presence, a transfer, an invitation, timeouts, a slow consumer, odd inputs."""
    chat = OPEN + hello(0, ANON) + create(0) + OPEN + hello(1, AGENT_A1) + accepting(1)
    return {
        "chat-with-note": chat + send(1) + note(1) + send(0, message_id=1) + typing(0) + ack(0) + ack(1)
        + close(1) + tick(0, 8) + tick(0, 9),
        "resume-replays": chat + send(1) + ack(0) + drop(0) + send(1, message_id=1) + note(1) + send(1, message_id=2)
        + OPEN + hello(2, [7, 0], resume=(0, 0)) + send(2) + ack(2),
        "resume-from-zero-expired": chat + send(1) + ack(0) + drop(0) + OPEN + hello(2, [7, 0], resume=(0, 3)),
        "resume-replaces": OPEN + hello(0, VISITOR_V1) + create(0) + OPEN + hello(1, [7, 0], resume=(0, 0)) + send(0) + send(1),
        "presence": OPEN + hello(0, AGENT_A1) + subscribe(0, 0) + subscribe(0, 2) + OPEN + hello(1, ANON)
        + set_presence(1) + tick(0, 4) + drop(1) + tick(0, 8),
        "transfer-and-takeover": chat + OPEN + hello(2, AGENT_A2_BOTH_TEAMS) + accepting(2) + transfer_to_a2(1) + OPEN
        + hello(3, SUPERVISOR_S1) + join(3, 3) + note(3) + send(2),
        "invitation": OPEN + hello(0, VISITOR_V1) + OPEN + hello(1, AGENT_A1) + accepting(1) + invite_first_user(1)
        + answer_first_invitation(0) + send(1),
        "timeouts": OPEN + tick(0, 5) + OPEN + hello(1, ANON) + tick(1, 9) + tick(1, 11),
        "slow-consumer": chat + sum((send(1, message_id=i % 3) for i in range(8)), []) + tick(0, 5)
        + sum((send(1, message_id=i % 3) for i in range(8)), []),
        "odd-inputs": OPEN + send(0) + hello(0, ANON) + hello(0, ANON) + send(0, rid=220) + send(0, rid=255)
        + undecodable(0, 0) + [23, 0, 6] + undecodable(0, 1) + send(0),
    }


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    seeds = {target: {} for target in ("FuzzBinary", "FuzzJSON", "FuzzDifferential", "FuzzFrames")}
    seeds["FuzzInflate"] = inflate_seeds()
    seeds["FuzzSession"] = {name: bytes(script) for name, script in session_seeds().items()}

    valid = load("messages-valid.json")["vectors"]
    for v in valid:
        seeds["FuzzBinary"][f"valid-{v['name']}"] = bytes.fromhex(v["hex"])
        seeds["FuzzJSON"][f"valid-{v['name']}"] = v["json"].encode()
        if "jsonInput" in v:
            seeds["FuzzJSON"][f"valid-{v['name']}-input"] = v["jsonInput"].encode()
    for v in load("messages-invalid-binary.json")["vectors"]:
        seeds["FuzzBinary"][f"invalid-{v['name']}"] = bytes.fromhex(v["hex"])
    for v in load("messages-invalid-json.json")["vectors"]:
        text = bytes.fromhex(v["hex"]) if "hex" in v else v["text"].encode()
        seeds["FuzzJSON"][f"invalid-{v['name']}"] = text
    for target in ("FuzzBinary", "FuzzJSON"):
        for name, data in seeds[target].items():
            seeds["FuzzDifferential"][f"{target[4:].lower()}-{name}"] = data

    frames = load("frames.json")
    for v in frames["valid"] + frames["invalid"]:
        stream = bytes.fromhex(v["hex"])
        compression = v.get("allowsCompression", False)
        for label, reads in (("whole", []), ("bytewise", [1]), ("mixed", [3, 0, 7])):
            seeds["FuzzFrames"][f"{v['name']}-{label}"] = frames_header(v["maxPayload"], compression, reads) + stream
    every = b"".join(bytes.fromhex(v["frame"]) for v in valid if v.get("frame"))
    seeds["FuzzFrames"]["all-valid-messages"] = frames_header(65_536, False, [5, 1, 64]) + every
    seeds["FuzzCodec"] = codec_seeds(valid, frames)

    for target, files in seeds.items():
        folder = CORPUS / target
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        print(f"{target}: {len(files)} seeds")


if __name__ == "__main__":
    main()
