#!/usr/bin/env python3
"""Writes Spec/vectors/*.json from Spec/schema/messages.json with an encoder written
independently of the Swift one, straight from Spec/protocol.md, so the vectors check the
Swift codec against a second implementation. Run from the repository root:

    python3 Scripts/make_vectors.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "Spec/schema/messages.json").read_text())
ENUMS, STRUCTS, MESSAGES = SCHEMA["enums"], SCHEMA["structs"], SCHEMA["messages"]
BY_NAME = {m["name"]: m for m in MESSAGES}
MAX = 2**53 - 1


# ---- the binary encoding (protocol.md, ENC-1 … ENC-6) ----
def varint(v: int) -> bytes:
    assert 0 <= v <= MAX
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def key(number: int, wire_type: int) -> bytes:
    return varint(number << 3 | wire_type)


def encode_value(typ: str, value) -> tuple:
    """(wire type, bytes) of one value."""
    if typ == "uint":
        return 0, varint(value)
    if typ == "bool":
        return 0, varint(1 if value else 0)
    if typ == "string":
        raw = value.encode("utf-8")
        return 2, varint(len(raw)) + raw
    if typ in ENUMS:
        return 0, varint(dict(ENUMS[typ]["values"])[value])
    body = encode_fields(STRUCTS[typ]["fields"], value)
    return 2, varint(len(body)) + body


def encode_fields(fields, obj) -> bytes:
    out = bytearray()
    for number, name, typ, presence, _ in fields:
        if name not in obj:
            continue
        values = obj[name] if presence == "rep" else [obj[name]]
        for v in values:
            wt, raw = encode_value(typ.strip("[]"), v)
            out += key(number, wt) + raw
    return bytes(out)


def encode_message(obj) -> bytes:
    m = BY_NAME[obj["type"]]
    return varint(m["type"]) + encode_fields(m["fields"], obj)


def frame(payload: bytes, frame_type: int = 1, flags: int = 0) -> bytes:
    return bytes([frame_type, flags]) + varint(len(payload)) + payload


# ---- the JSON encoding (JSON-1 … JSON-8): canonical text = type first, schema order ----
def canonical_json(obj, fields=None, message=None) -> str:
    parts = []
    if message:
        parts.append('"type":' + json.dumps(message, ensure_ascii=False))
    for number, name, typ, presence, _ in fields:
        if name not in obj:
            continue
        base = typ.strip("[]")
        def one(v):
            if base in STRUCTS:
                return canonical_json(v, STRUCTS[base]["fields"])
            return json.dumps(v, ensure_ascii=False)
        if presence == "rep":
            parts.append(json.dumps(name) + ":[" + ",".join(one(v) for v in obj[name]) + "]")
        else:
            parts.append(json.dumps(name) + ":" + one(obj[name]))
    return "{" + ",".join(parts) + "}"


def message_json(obj) -> str:
    return canonical_json(obj, BY_NAME[obj["type"]]["fields"], obj["type"])


# ---- sample values ----
UINTS = {"rid": 7, "seq": 300, "cseq": 42, "nonce": MAX, "time": 1795000000000, "serverTime": 1795000000123,
         "createdAt": 1794999990000, "lastSeen": 1794999000000, "onSiteSince": 1794998000000, "size": 1048576,
         "code": 2009, "retryAfterMs": 1500, "version": 1, "lastSeq": 299, "replayFrom": 300, "score": 5,
         "position": 3, "estimatedWaitMs": 45000, "priority": 2, "limit": 50, "anchor": 100, "maxFrame": 65536,
         "maxMessage": 262144, "maxText": 16384, "messageRate": 120, "messageBurst": 20, "typingRate": 60,
         "typingBurst": 10, "presenceRate": 30, "presenceBurst": 5, "heartbeatMs": 25000, "heartbeatTimeoutMs": 60000,
         "resumeWindowMs": 120000, "maxSubscriptions": 64, "idempotencyWindowMs": 600000, "handshakeTimeoutMs": 10000,
         "maxAttachments": 10, "historyPageMax": 200, "maxUnackedEvents": 4096, "maxUnackedBytes": 4194304, "threshold": 256, "level": 6, "queueWaitMs": 22000,
         "firstResponseMs": 9000, "transfers": 1, "durationMs": 600000, "maxConcurrent": 4, "reconnectAfterMs": 2000,
         "messageType": 23, "lastCseq": 57}
STRINGS = {"scheme": "token", "credential": "eyJ1IjoiYWdlbnQtMSJ9.c2ln", "token": "r-9f8e7d", "user": "u-42",
           "displayName": "Ana Souza", "site": "shop.example", "session": "s-1a2b", "resumeToken": "r-9f8e7d",
           "sessionToken": "v-77aa", "client": "parley-js/1.0", "message": "slow down", "conversation": "c-7f3a",
           "team": "billing", "text": "Hi! Can I return the blue jacket?", "clientMessageId": "m-0001",
           "topic": "presence:agents", "key": "email", "value": "visitor@example.com", "name": "receipt.pdf",
           "mimeType": "application/pdf", "url": "https://files.example/r/1", "title": "Jackets — Shop",
           "requirement": "SESSION-12", "comment": "Quick and friendly", "note": "VIP customer", "agent": "u-7",
           "visitor": "u-42", "invitation": "i-5", "agentName": "Ana", "preview": "I think the siz", "id": "c-7f3a"}
LISTS = {"versions": [2, 1], "teams": ["billing", "sales"], "tags": ["returns", "fr"], "agents": ["u-7", "u-9"]}


def sample(fields, full: bool, depth: int = 0) -> dict:
    obj = {}
    for number, name, typ, presence, _ in fields:
        if presence != "req" and not full:
            continue
        base = typ.strip("[]")
        if presence == "rep":
            if name in LISTS:
                obj[name] = LISTS[name]
                continue
            obj[name] = [one_sample(name, base, full, depth, i) for i in range(2)]
        else:
            obj[name] = one_sample(name, base, full, depth, 0)
    return obj


def one_sample(name, base, full, depth, i):
    if base == "uint":
        return UINTS.get(name, 5) + i
    if base == "bool":
        return name not in ("duplicate", "internal") or full
    if base == "string":
        s = STRINGS.get(name, f"{name}-1")
        return s if i == 0 else f"{s}-{i}"
    if base in ENUMS:
        values = ENUMS[base]["values"]
        return values[(len(name) + i) % len(values)][0]
    return sample(STRUCTS[base]["fields"], full, depth + 1)


def valid_vectors():
    vectors = []
    for m in MESSAGES:
        for full in (False, True):
            if full and all(f[3] == "req" for f in m["fields"]):
                continue
            obj = {"type": m["name"], **sample(m["fields"], full)}
            vectors.append(entry(f"{m['name']}-{'full' if full else 'minimal'}",
                                 f"{m['name']} with {'every field' if full else 'required fields only'}", obj))
    extra = [
        ("send-unicode", "text with non-ASCII: accents, CJK and an emoji (4-byte UTF-8)",
         {"type": "send", "rid": 1, "conversation": "c-1", "clientMessageId": "m-é", "text": "Olá! 你好 👋 ça va?"}),
        ("send-escapes", "text with characters JSON must escape: quote, backslash, newline, tab, U+0001",
         {"type": "send", "rid": 2, "conversation": "c-1", "clientMessageId": "m-2", "text": "say \"hi\"\\\n\tbye\u0001"}),
        ("send-empty-text", "an empty string is present, not absent",
         {"type": "send", "rid": 3, "conversation": "c-1", "clientMessageId": "m-3", "text": ""}),
        ("send-1kb", "a 1 KiB text: a two-byte length varint",
         {"type": "send", "rid": 4, "conversation": "c-1", "clientMessageId": "m-4", "text": "x" * 1024}),
        ("ack-zero", "zero is a value: present and encoded as one byte", {"type": "ack", "seq": 0}),
        ("ack-127", "largest one-byte varint", {"type": "ack", "seq": 127}),
        ("ack-128", "smallest two-byte varint", {"type": "ack", "seq": 128}),
        ("ping-max", "the largest integer: 2^53-1 (8-byte varint)", {"type": "ping", "nonce": MAX}),
        ("error-no-rid", "a session error not tied to a command",
         {"type": "error", "code": 1016, "message": "unknown message type 99", "messageType": 99}),
        ("typing-stop", "false is encoded as 0", {"type": "typing", "conversation": "c-1", "typing": False}),
    ]
    for name, desc, obj in extra:
        vectors.append(entry(name, desc, obj))
    # Forward compatibility: unknown fields are skipped (VER-3); not canonical, so no re-encode check.
    ping = encode_message({"type": "ping", "nonce": 5})
    vectors.append({"name": "ping-unknown-fields", "description": "unknown varint field 9 and unknown bytes field 10 are skipped (VER-3)",
                    "hex": (ping + key(9, 0) + varint(1000) + key(10, 2) + varint(3) + b"abc").hex(),
                    "json": message_json({"type": "ping", "nonce": 5}), "canonical": False})
    vectors.append({"name": "ack-unknown-json-member", "description": "an unknown JSON member is skipped (VER-3)",
                    "hex": encode_message({"type": "ack", "seq": 9}).hex(),
                    "jsonInput": '{"seq":9,"future":{"a":[1,2.5e3,null,true]},"type":"ack"}',
                    "json": message_json({"type": "ack", "seq": 9}), "canonical": False})
    vectors.append({"name": "ok-null-optional", "description": "an optional member given as null is absent (JSON-5)",
                    "hex": encode_message({"type": "ok", "rid": 1}).hex(),
                    "jsonInput": '{ "type" : "ok" , "rid" : 1 , "conversation" : null }',
                    "json": message_json({"type": "ok", "rid": 1}), "canonical": False})
    vectors.append({"name": "send-json-unicode-escapes", "description": "\\u escapes, including a surrogate pair, decode to UTF-8",
                    "hex": encode_message({"type": "send", "rid": 1, "conversation": "c", "clientMessageId": "m", "text": "é👋/"}).hex(),
                    "jsonInput": '{"type":"send","rid":1,"conversation":"c","clientMessageId":"m","text":"\\u00e9\\ud83d\\udc4b\\/"}',
                    "json": message_json({"type": "send", "rid": 1, "conversation": "c", "clientMessageId": "m", "text": "é👋/"}),
                    "canonical": False})
    return vectors


def entry(name, desc, obj):
    payload = encode_message(obj)
    return {"name": name, "description": desc, "hex": payload.hex(), "frame": frame(payload).hex(),
            "json": message_json(obj), "canonical": True}


def h(*parts) -> str:
    return b"".join(p if isinstance(p, bytes) else bytes(p) for p in parts).hex()


def invalid_binary():
    ping = varint(3)
    sub = varint(10)
    return [
        ("empty", "an empty payload", "", "EMPTY_FRAME"),
        ("unknown-type", "message type 99 does not exist in v1", h(varint(99), key(1, 0), varint(1)), "UNKNOWN_MESSAGE_TYPE"),
        ("truncated-type", "the type varint is cut off", "80", "BAD_VARINT"),
        ("missing-field", "ping without its required nonce", h(ping), "MISSING_FIELD"),
        ("missing-nested-field", "hello whose auth lacks the required scheme",
         h(varint(1), key(1, 0), varint(1), key(3, 2), varint(0)), "MISSING_FIELD"),
        ("duplicate-field", "ping with nonce twice", h(ping, key(1, 0), varint(1), key(1, 0), varint(2)), "DUPLICATE_FIELD"),
        ("field-order", "ok with field 2 before field 1",
         h(varint(6), key(2, 2), varint(1), b"c", key(1, 0), varint(1)), "FIELD_ORDER"),
        ("repeated-not-consecutive", "hello with versions, then auth, then versions again",
         h(varint(1), key(1, 0), varint(1), key(2, 0), varint(1), key(3, 2), varint(7), key(1, 2), varint(5), b"token",
           key(2, 0), varint(2)), "FIELD_ORDER"),
        ("wrong-wire-type", "ping's nonce sent as length-delimited", h(ping, key(1, 2), varint(1), b"A"), "MALFORMED_MESSAGE"),
        ("unknown-wire-type", "wire type 1 does not exist", h(ping, bytes([0x09])), "MALFORMED_MESSAGE"),
        ("field-zero", "field number 0 is reserved", h(ping, bytes([0x00]), varint(1)), "MALFORMED_MESSAGE"),
        ("string-past-end", "subscribe whose topic length runs past the payload",
         h(sub, key(1, 0), varint(1), key(2, 2), varint(10), b"ab"), "MALFORMED_MESSAGE"),
        ("nested-past-end", "hello whose auth length runs past the payload",
         h(varint(1), key(1, 0), varint(1), key(3, 2), varint(40), key(1, 2), varint(1), b"t"), "MALFORMED_MESSAGE"),
        ("varint-past-end", "a field value varint cut off at the end", h(ping, key(1, 0), bytes([0xFF])), "MALFORMED_MESSAGE"),
        ("key-past-end", "a field key varint cut off at the end", h(ping, bytes([0x88])), "MALFORMED_MESSAGE"),
        ("invalid-utf8", "a topic with bytes FF FE", h(sub, key(1, 0), varint(1), key(2, 2), varint(2), bytes([0xFF, 0xFE])), "INVALID_UTF8"),
        ("overlong-utf8", "an overlong encoding of NUL (C0 80)",
         h(sub, key(1, 0), varint(1), key(2, 2), varint(2), bytes([0xC0, 0x80])), "INVALID_UTF8"),
        ("surrogate-utf8", "a UTF-16 surrogate encoded in UTF-8 (ED A0 80)",
         h(sub, key(1, 0), varint(1), key(2, 2), varint(3), bytes([0xED, 0xA0, 0x80])), "INVALID_UTF8"),
        ("truncated-utf8", "a topic ending inside a multi-byte sequence",
         h(sub, key(1, 0), varint(1), key(2, 2), varint(2), bytes([0x61, 0xE2])), "INVALID_UTF8"),
        ("bool-two", "a boolean encoded as 2", h(varint(28), key(1, 2), varint(1), b"c", key(2, 0), varint(2)), "VALUE_OUT_OF_RANGE"),
        ("unknown-enum", "a presence status of 9",
         h(varint(50), key(1, 0), varint(1), key(2, 0), varint(9)), "VALUE_OUT_OF_RANGE"),
        ("varint-too-large", "a nonce of 2^53", h(ping, key(1, 0), bytes([0x80] * 7 + [0x10])), "BAD_VARINT"),
        ("varint-non-minimal", "a nonce of 0 encoded as 80 00", h(ping, key(1, 0), bytes([0x80, 0x00])), "BAD_VARINT"),
        ("varint-too-long", "a nine-byte varint", h(ping, key(1, 0), bytes([0xFF] * 8 + [0x01])), "BAD_VARINT"),
        ("key-non-minimal", "a field key encoded as 88 00", h(ping, bytes([0x88, 0x00]), varint(1)), "BAD_VARINT"),
    ]


def invalid_json():
    return [
        ("not-json", "bare word", "hello", "INVALID_JSON"),
        ("top-level-array", "an array, not an object", '[{"type":"ping","nonce":1}]', "INVALID_JSON"),
        ("empty-text", "no JSON at all", "", "INVALID_JSON"),
        ("trailing-garbage", "characters after the object", '{"type":"ping","nonce":1}x', "INVALID_JSON"),
        ("two-objects", "two objects in one text", '{"type":"ping","nonce":1}{"type":"ping","nonce":2}', "INVALID_JSON"),
        ("unterminated", "the object never closes", '{"type":"ping","nonce":1', "INVALID_JSON"),
        ("trailing-comma", "a comma before the closing brace", '{"type":"ping","nonce":1,}', "INVALID_JSON"),
        ("single-quotes", "single-quoted strings are not JSON", "{'type':'ping','nonce':1}", "INVALID_JSON"),
        ("missing-type", "no type member", '{"nonce":1}', "MISSING_FIELD"),
        ("type-not-string", "type is a number", '{"type":3,"nonce":1}', "WRONG_JSON_TYPE"),
        ("unknown-type", "a type v1 does not define", '{"type":"teleport","rid":1}', "UNKNOWN_MESSAGE_TYPE"),
        ("duplicate-type", "type twice", '{"type":"ping","type":"pong","nonce":1}', "DUPLICATE_FIELD"),
        ("duplicate-member", "nonce twice", '{"type":"ping","nonce":1,"nonce":2}', "DUPLICATE_FIELD"),
        ("duplicate-after-null", "an optional member given as null, then again (JSON-5)",
         '{"type":"hello","rid":1,"auth":{"scheme":"token"},"client":null,"client":"x"}', "DUPLICATE_FIELD"),
        ("duplicate-unknown-member", "a member this version does not know, twice (JSON-5, VER-3)",
         '{"type":"ping","nonce":1,"x":1,"x":2}', "DUPLICATE_FIELD"),
        ("missing-field", "ping without nonce", '{"type":"ping"}', "MISSING_FIELD"),
        ("null-required", "a required member given as null", '{"type":"ping","nonce":null}', "MISSING_FIELD"),
        ("missing-nested", "hello whose auth lacks scheme", '{"type":"hello","rid":1,"auth":{}}', "MISSING_FIELD"),
        ("string-for-int", "a string where an integer is required", '{"type":"ping","nonce":"1"}', "WRONG_JSON_TYPE"),
        ("fraction", "an integer with a fraction", '{"type":"ping","nonce":1.5}', "WRONG_JSON_TYPE"),
        ("fraction-zero", "1.0 is not an integer in Parley", '{"type":"ping","nonce":1.0}', "WRONG_JSON_TYPE"),
        ("exponent", "an integer with an exponent", '{"type":"ping","nonce":1e3}', "WRONG_JSON_TYPE"),
        ("negative", "a negative integer", '{"type":"ping","nonce":-1}', "VALUE_OUT_OF_RANGE"),
        ("too-large", "2^53 exceeds the integer range", '{"type":"ping","nonce":9007199254740992}', "VALUE_OUT_OF_RANGE"),
        ("leading-zero", "a number with a leading zero", '{"type":"ping","nonce":01}', "INVALID_JSON"),
        ("int-for-bool", "1 where a boolean is required", '{"type":"typing","conversation":"c","typing":1}', "WRONG_JSON_TYPE"),
        ("unknown-enum", "a status name v1 does not define", '{"type":"setPresence","rid":1,"status":"busy"}', "VALUE_OUT_OF_RANGE"),
        ("enum-number", "an enum given as its number", '{"type":"setPresence","rid":1,"status":1}', "WRONG_JSON_TYPE"),
        ("object-for-list", "an object where a list is required", '{"type":"hello","rid":1,"versions":{},"auth":{"scheme":"anonymous"}}', "WRONG_JSON_TYPE"),
        ("string-for-object", "a string where an object is required", '{"type":"hello","rid":1,"auth":"anonymous"}', "WRONG_JSON_TYPE"),
        ("lone-surrogate", "an unpaired surrogate escape", '{"type":"subscribe","rid":1,"topic":"\\ud800"}', "INVALID_JSON"),
        ("bad-escape", "an escape JSON does not define", '{"type":"subscribe","rid":1,"topic":"\\x41"}', "INVALID_JSON"),
        ("control-char", "an unescaped newline inside a string", '{"type":"subscribe","rid":1,"topic":"a\nb"}', "INVALID_JSON"),
        ("too-deep", "an unknown member nested 40 levels deep", '{"type":"ping","nonce":1,"x":' + "[" * 40 + "]" * 40 + "}", "INVALID_JSON"),
        ("bad-literal", "a misspelt literal", '{"type":"typing","conversation":"c","typing":tru}', "INVALID_JSON"),
    ]


def invalid_json_bytes():
    # Raw bytes that are not UTF-8, given in hex because JSON files cannot hold them.
    return [
        ("invalid-utf8-in-string", "a string holding byte FF", b'{"type":"subscribe","rid":1,"topic":"a\xffb"}', "INVALID_UTF8"),
        ("invalid-utf8-in-skipped", "an unknown member's string holding bytes C0 80", b'{"type":"ping","nonce":1,"x":"\xc0\x80"}', "INVALID_UTF8"),
    ]


def frame_vectors():
    ping = encode_message({"type": "ping", "nonce": 1})
    big = encode_message({"type": "send", "rid": 1, "conversation": "c", "clientMessageId": "m", "text": "y" * 300})
    return {
        "valid": [
            {"name": "one-frame", "description": "a single MESSAGE frame", "maxPayload": 65536,
             "hex": frame(ping).hex(), "payloads": [ping.hex()]},
            {"name": "two-frames", "description": "two frames in one buffer", "maxPayload": 65536,
             "hex": (frame(ping) + frame(big)).hex(), "payloads": [ping.hex(), big.hex()]},
            {"name": "two-byte-length", "description": "a payload over 127 bytes has a two-byte length", "maxPayload": 65536,
             "hex": frame(big).hex(), "payloads": [big.hex()]},
            {"name": "unknown-frame-type", "description": "a frame of unknown type 0x7F is skipped (FRAME-7), even with flags set",
             "maxPayload": 65536, "hex": (frame(b"future", 0x7F, 0xFF) + frame(ping)).hex(), "payloads": [ping.hex()]},
            {"name": "exact-limit", "description": "a payload exactly at the limit is accepted", "maxPayload": len(big),
             "hex": frame(big).hex(), "payloads": [big.hex()]},
            {"name": "compressed-allowed", "description": "the compressed flag is passed up when compression was negotiated",
             "maxPayload": 65536, "allowsCompression": True, "hex": frame(b"\x78\x9c\x03\x00\x00\x00\x00\x01", 1, 1).hex(),
             "payloads": ["789c030000000001"], "flags": [1]},
        ],
        "invalid": [
            {"name": "too-large", "description": "the header alone declares 70000 bytes over a 65536 limit: rejected before the payload arrives",
             "maxPayload": 65536, "hex": (bytes([1, 0]) + varint(70000)).hex(), "error": "FRAME_TOO_LARGE"},
            {"name": "one-over-limit", "description": "a payload one byte over the limit", "maxPayload": len(big) - 1,
             "hex": frame(big).hex(), "error": "FRAME_TOO_LARGE"},
            {"name": "length-too-long", "description": "a five-byte length varint", "maxPayload": 65536,
             "hex": "0100ffffffff01", "error": "BAD_VARINT"},
            {"name": "length-non-minimal", "description": "a length of 1 encoded as 81 00", "maxPayload": 65536,
             "hex": "01008100" + "03", "error": "BAD_VARINT"},
            {"name": "reserved-flag", "description": "reserved flag bit 1 set on a MESSAGE frame", "maxPayload": 65536,
             "hex": frame(ping, 1, 0x02).hex(), "error": "BAD_FRAME_FLAGS"},
            {"name": "compression-not-negotiated", "description": "the compressed flag before compression was negotiated",
             "maxPayload": 65536, "hex": frame(ping, 1, 0x01).hex(), "error": "COMPRESSION_NOT_NEGOTIATED"},
            {"name": "empty-message-frame", "description": "a MESSAGE frame with length 0", "maxPayload": 65536,
             "hex": "010000", "error": "EMPTY_FRAME"},
            {"name": "truncated-at-eof", "description": "the stream ends in the middle of a payload", "maxPayload": 65536,
             "hex": frame(big).hex()[:40], "error": "TRUNCATED_FRAME"},
            {"name": "truncated-header-at-eof", "description": "the stream ends after a type byte", "maxPayload": 65536,
             "hex": "01", "error": "TRUNCATED_FRAME"},
        ],
    }


def write(name, data):
    (ROOT / "Spec/vectors" / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def main():
    valid = valid_vectors()
    write("messages-valid.json", {"description": "Valid messages: binary payload (hex), MESSAGE frame (hex) and canonical JSON text.", "vectors": valid})
    write("messages-invalid-binary.json", {"description": "Invalid binary payloads and the error code a decoder MUST report.",
                                           "vectors": [{"name": n, "description": d, "hex": x, "error": e} for n, d, x, e in invalid_binary()]})
    write("messages-invalid-json.json", {"description": "Invalid JSON texts and the error code a decoder MUST report.",
                                         "vectors": [{"name": n, "description": d, "text": t, "error": e} for n, d, t, e in invalid_json()]
                                         + [{"name": n, "description": d, "hex": b.hex(), "error": e} for n, d, b, e in invalid_json_bytes()]})
    write("frames.json", {"description": "Byte streams for the frame decoder, with the payload limit in force.", **frame_vectors()})
    total = len(valid) + len(invalid_binary()) + len(invalid_json()) + len(invalid_json_bytes()) + sum(len(v) for v in frame_vectors().values())
    print(f"{total} vectors")


if __name__ == "__main__":
    main()
