"""Writes Spec/scenarios/conformance/*.json, the conformance suite's own checks (Spec/conformance.md).

Run: python3 Scripts/gen_conformance_scenarios.py (the JSON files are the source of truth for
other implementations; this script only keeps them consistent).
"""
import json, os
OUT=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Spec', 'scenarios', 'conformance')
def w(id, reqs, desc, steps, needs=None, cleanup=None):
    d={"id":id,"requirements":reqs,"description":desc}
    if needs: d["needs"]=needs
    lines=['{', f'  "id": {json.dumps(id)},', f'  "requirements": {json.dumps(reqs)},', f'  "description": {json.dumps(desc)},']
    if needs: lines.append(f'  "needs": {json.dumps(needs)},')
    def block(name, st, last):
        lines.append(f'  "{name}": [')
        for i,s in enumerate(st):
            lines.append('    '+json.dumps(s, separators=(', ',': '))+(',' if i<len(st)-1 else ''))
        lines.append('  ]'+('' if last else ','))
    block("steps", steps, not cleanup)
    if cleanup: block("cleanup", cleanup, True)
    lines.append('}')
    open(os.path.join(OUT,id+'.json'),'w').write('\n'.join(lines)+'\n')

ANON={"scheme":"anonymous"}
def hello(c, rid=1, auth=ANON, **kw):
    m={"type":"hello","rid":rid,"auth":auth}; m.update(kw); return {"client":c,"send":m}
def conn(c): return {"client":c,"connect":{}}
def send(c, m): return {"client":c,"send":m}
def exp(c, m, **kw):
    d={"client":c,"expect":m}; d.update(kw); return d
def nothing(c, ms=300, type=None):
    e={"withinMs":ms}
    if type: e["type"]=type
    return {"client":c,"expectNothing":e}
def closed(c, code=None): return {"client":c,"expectClosed":({"code":code} if code else {})}
def raw(c, h): return {"client":c,"sendRaw":h}
def payload(c, h): return {"client":c,"sendPayload":h}
def text(c, t): return {"client":c,"sendText":t}
def texthex(c, h): return {"client":c,"sendTextHex":h}
def adv(ms): return {"advance":ms}
def visitor(c, cap=None):
    st=[conn(c), hello(c), exp(c, {"type":"welcome","rid":1} | ({"identity":{"user":f"$capture:{cap}"}} if cap else {}))]
    return st
def agent(c, n, cap):
    return [conn(c), hello(c, auth={"scheme":"token","credential":f"$agentToken{n}"}),
            exp(c, {"type":"welcome","rid":1,"identity":{"user":f"$capture:{cap}","role":"agent"}})]
def err(c, code, rid=None, **kw):
    m={"type":"error","code":code,"message":"$any"}
    if rid is not None: m["rid"]=rid
    else: m["rid"]="$absent"
    m.update(kw); return exp(c, m)

HELLO_PAYLOAD="0108011a0b0a09616e6f6e796d6f7573"
HELLO_FRAME="010010"+HELLO_PAYLOAD
PING5="010003030805"
WELCOME={"type":"welcome","rid":1,"version":1}

# ---------- framing (byte stream) ----------
w("frame-split-across-reads", ["FRAME-1","FRAME-8"], "A hello frame arriving in three pieces, the first ending inside the header, is one message: the server welcomes it.",
  [conn("v"), raw("v", HELLO_FRAME[:4]), adv(50), raw("v", HELLO_FRAME[4:14]), adv(50), raw("v", HELLO_FRAME[14:]), exp("v", WELCOME)], needs=["binding:stream"])
w("frame-many-per-read", ["FRAME-1","FRAME-8","SESSION-26"], "Two ping frames in one write are two messages: two pongs, each with its ping's nonce.",
  [conn("v"), raw("v", HELLO_FRAME), exp("v", WELCOME), raw("v", PING5+"010003030806"), exp("v", {"type":"pong","nonce":5}), exp("v", {"type":"pong","nonce":6})], needs=["binding:stream"])
w("frame-too-large", ["FRAME-5","FRAME-6","ERR-1"], "A frame header declaring 70000 payload bytes (over the 65536 of the handshake) is FRAME_TOO_LARGE at once, before any payload arrives, and the connection closes.",
  [conn("v"), raw("v", "0100f0a204"), err("v","FRAME_TOO_LARGE"), closed("v","FRAME_TOO_LARGE")], needs=["binding:stream"])
w("frame-too-large-after-welcome", ["FRAME-5","SESSION-32"], "After the welcome, a frame declaring more than limits.maxFrame is FRAME_TOO_LARGE, checked from the header alone.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"limits":{"maxFrame":"$range:1..16777216"}}), raw("v","0100ffffff07"), err("v","FRAME_TOO_LARGE"), closed("v","FRAME_TOO_LARGE")], needs=["binding:stream"])
w("frame-unknown-type-skipped", ["FRAME-2","FRAME-7","VER-5"], "A frame of an unknown type (0x7f, flags not checked) is skipped and the next frame is read: the hello after it is welcomed.",
  [conn("v"), raw("v", "7fff03616263"+HELLO_FRAME), exp("v", WELCOME)], needs=["binding:stream"])
w("frame-reserved-flags", ["FRAME-3","VER-5"], "A MESSAGE frame with a reserved flag bit (0x02) is BAD_FRAME_FLAGS and closes the connection.",
  [conn("v"), raw("v", "010210"+HELLO_PAYLOAD), err("v","BAD_FRAME_FLAGS"), closed("v","BAD_FRAME_FLAGS")], needs=["binding:stream"])
w("frame-compressed-not-negotiated", ["FRAME-3","COMP-5"], "A MESSAGE frame with the compressed flag before compression was negotiated is COMPRESSION_NOT_NEGOTIATED.",
  [conn("v"), raw("v", "010110"+HELLO_PAYLOAD), err("v","COMPRESSION_NOT_NEGOTIATED"), closed("v","COMPRESSION_NOT_NEGOTIATED")], needs=["binding:stream"])
w("frame-empty", ["FRAME-3"], "A MESSAGE frame with an empty payload is EMPTY_FRAME.",
  [conn("v"), raw("v", "010000"), err("v","EMPTY_FRAME"), closed("v","EMPTY_FRAME")], needs=["binding:stream"])
w("frame-length-varint", ["FRAME-4","ENC-1"], "A frame length varint longer than 4 bytes, or not minimal, is BAD_VARINT.",
  [conn("a"), raw("a", "01008080808001"), err("a","BAD_VARINT"), closed("a","BAD_VARINT"),
   conn("b"), raw("b", "01008000"), err("b","BAD_VARINT"), closed("b","BAD_VARINT")], needs=["binding:stream"])
w("frame-error-keeps-accepted", ["ERR-4","ERR-3","SESSION-32","SESSION-15"], "A bad frame after accepted commands loses nothing: the first connection's message stands, and resuming replays its events.",
  visitor("v") [:2] + [exp("v", {"type":"welcome","rid":1,"resumeToken":"$capture:token","sessionToken":"$capture:visitor"}),
   send("v", {"type":"create","rid":2,"text":"kept","clientMessageId":"k1"}), exp("v", {"type":"ok","rid":2,"conversation":"$capture:conv"}),
   exp("v", {"type":"event","seq":1}), exp("v", {"type":"event","seq":2}), exp("v", {"type":"event","seq":3,"event":{"text":"kept"}}),
   raw("v","010200"), err("v","BAD_FRAME_FLAGS"), closed("v","BAD_FRAME_FLAGS"),
   conn("v"), hello("v", rid=3, auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":0}),
   exp("v", {"type":"welcome","rid":3,"resume":{"status":"resumed","replayFrom":1,"lastSeq":3}}),
   exp("v", {"type":"event","seq":1}), exp("v", {"type":"event","seq":2}), exp("v", {"type":"event","seq":3,"event":{"text":"kept","conversation":"$conv"}})],
  needs=["binding:stream"], cleanup=[send("v", {"type":"close","rid":9,"conversation":"$conv"}), exp("v", {"type":"ok","rid":9})])

# ---------- binary encoding ----------
w("binary-unknown-message-type", ["VER-4","MSG-1","SESSION-32"], "A well-formed payload of an unknown message type (127) is UNKNOWN_MESSAGE_TYPE, non-fatal, without rid and with messageType; the connection goes on (a ping is answered).",
  visitor("v") + [payload("v", "7f0801"), err("v","UNKNOWN_MESSAGE_TYPE", messageType=127), payload("v","030805"), exp("v", {"type":"pong","nonce":5})], needs=["binding:binary"])
w("binary-bad-varint", ["ENC-2","ENC-1","MSG-4"], "A non-minimal varint, and a value over 2^53-1, are BAD_VARINT.",
  [conn("a"), payload("a","03088500"), err("a","BAD_VARINT"), closed("a","BAD_VARINT"),
   conn("b"), payload("b","03088080808080808010"), err("b","BAD_VARINT"), closed("b","BAD_VARINT")], needs=["binding:binary"])
w("binary-malformed", ["ENC-3","ENC-4"], "Field number 0, and a field whose wire type does not match its declared type, are MALFORMED_MESSAGE; a length past the end of the payload too.",
  [conn("a"), payload("a","030005"), err("a","MALFORMED_MESSAGE"), closed("a","MALFORMED_MESSAGE"),
   conn("b"), payload("b","030a0100"), err("b","MALFORMED_MESSAGE"), closed("b","MALFORMED_MESSAGE"),
   conn("c"), payload("c","01080112"), err("c","MALFORMED_MESSAGE"), closed("c","MALFORMED_MESSAGE")], needs=["binding:binary"])
w("binary-field-order", ["ENC-5"], "A field repeated in a row is DUPLICATE_FIELD; fields out of ascending order are FIELD_ORDER.",
  [conn("a"), payload("a","0308050806"), err("a","DUPLICATE_FIELD"), closed("a","DUPLICATE_FIELD"),
   conn("b"), payload("b","011a0b0a09616e6f6e796d6f75730801"), err("b","FIELD_ORDER"), closed("b","FIELD_ORDER")], needs=["binding:binary"])
w("binary-value-out-of-range", ["ENC-6"], "A boolean other than 0 or 1 is VALUE_OUT_OF_RANGE.",
  [conn("a"), payload("a","1c0a0163100 2".replace(" ","")), err("a","VALUE_OUT_OF_RANGE"), closed("a","VALUE_OUT_OF_RANGE")], needs=["binding:binary"])
w("binary-missing-field", ["MSG-6"], "A ping without its required nonce is MISSING_FIELD.",
  [conn("a"), payload("a","03"), err("a","MISSING_FIELD"), closed("a","MISSING_FIELD")], needs=["binding:binary"])
w("binary-bad-utf8", ["MSG-5"], "A string field that is not UTF-8 (an overlong form) is INVALID_UTF8.",
  [conn("a"), payload("a","0108011a040a02c0af"), err("a","INVALID_UTF8"), closed("a","INVALID_UTF8")], needs=["binding:binary"])
w("binary-unknown-field-skipped", ["VER-3"], "An unknown field (number 15, a varint) after the known ones is skipped: the hello is welcomed.",
  [conn("v"), payload("v", HELLO_PAYLOAD+"7801"), exp("v", WELCOME)], needs=["binding:binary"])

# ---------- JSON encoding ----------
w("json-invalid", ["JSON-1"], "Text that is not one JSON object is INVALID_JSON and closes the connection.",
  [conn("a"), text("a","{\"type\":\"ping\",\"nonce\":1"), err("a","INVALID_JSON"), closed("a","INVALID_JSON"),
   conn("b"), text("b","[1]"), err("b","INVALID_JSON"), closed("b","INVALID_JSON")], needs=["binding:json"])
w("json-bad-utf8", ["JSON-1","MSG-5"], "A text message that is not UTF-8 is INVALID_UTF8.",
  [conn("a"), texthex("a","7b2274797065223a2270696e67222c226e6f6e6365223a312c2278223a22c328227d"), err("a","INVALID_UTF8"), closed("a","INVALID_UTF8")], needs=["binding:json"])
w("json-unknown-message-type", ["VER-4","JSON-2"], "An unknown message name is UNKNOWN_MESSAGE_TYPE, non-fatal and without rid; the connection goes on.",
  visitor("v") + [text("v","{\"type\":\"teleport\",\"rid\":4}"), err("v","UNKNOWN_MESSAGE_TYPE"), text("v","{\"type\":\"ping\",\"nonce\":3}"), exp("v", {"type":"pong","nonce":3})], needs=["binding:json"])
w("json-type-member", ["JSON-2"], "A missing type is MISSING_FIELD; a type that is not a string is WRONG_JSON_TYPE; type may stand anywhere in the object.",
  [conn("a"), text("a","{\"nonce\":1}"), err("a","MISSING_FIELD"), closed("a","MISSING_FIELD"),
   conn("b"), text("b","{\"type\":3,\"nonce\":1}"), err("b","WRONG_JSON_TYPE"), closed("b","WRONG_JSON_TYPE"),
] + visitor("c") + [text("c","{\"nonce\":8,\"type\":\"ping\"}"), exp("c", {"type":"pong","nonce":8})], needs=["binding:json"])
w("json-numbers", ["JSON-4","MSG-4"], "Integers are plain digits: 1.0 is WRONG_JSON_TYPE, -1 and 2^53 are VALUE_OUT_OF_RANGE, a leading zero is INVALID_JSON.",
  [conn("a"), text("a","{\"type\":\"ping\",\"nonce\":1.0}"), err("a","WRONG_JSON_TYPE"), closed("a"),
   conn("b"), text("b","{\"type\":\"ping\",\"nonce\":-1}"), err("b","VALUE_OUT_OF_RANGE"), closed("b"),
   conn("c"), text("c","{\"type\":\"ping\",\"nonce\":9007199254740992}"), err("c","VALUE_OUT_OF_RANGE"), closed("c"),
   conn("d"), text("d","{\"type\":\"ping\",\"nonce\":01}"), err("d","INVALID_JSON"), closed("d"),
] + visitor("e") + [text("e","{\"type\":\"ping\",\"nonce\":9007199254740991}"), exp("e", {"type":"pong","nonce":9007199254740991})], needs=["binding:json"])
w("json-strings", ["JSON-3"], "Escapes are decoded; an unpaired surrogate escape is INVALID_JSON.",
  [conn("a"), text("a","{\"type\":\"hello\",\"rid\":1,\"auth\":{\"scheme\":\"anonymous\"},\"client\":\"caf\\u00e9 \\ud83d\\ude00\"}"), exp("a", WELCOME),
   conn("b"), text("b","{\"type\":\"hello\",\"rid\":1,\"auth\":{\"scheme\":\"anonymous\"},\"client\":\"\\ud83d\"}"), err("b","INVALID_JSON"), closed("b","INVALID_JSON")], needs=["binding:json"])
w("json-null-and-duplicates", ["JSON-5"], "An optional member given as null is absent; a required one as null is MISSING_FIELD; a member given twice is DUPLICATE_FIELD.",
  [conn("a"), text("a","{\"type\":\"hello\",\"rid\":1,\"auth\":{\"scheme\":\"anonymous\"},\"resume\":null}"), exp("a", WELCOME | {"resume":"$absent"}),
   conn("b"), text("b","{\"type\":\"ping\",\"nonce\":null}"), err("b","MISSING_FIELD"), closed("b","MISSING_FIELD"),
   conn("c"), text("c","{\"type\":\"ping\",\"nonce\":1,\"nonce\":2}"), err("c","DUPLICATE_FIELD"), closed("c","DUPLICATE_FIELD")], needs=["binding:json"])
w("json-enums", ["JSON-6"], "An enum name the version does not define is VALUE_OUT_OF_RANGE.",
  visitor("a") + [text("a","{\"type\":\"setPresence\",\"rid\":2,\"status\":\"dancing\"}"), err("a","VALUE_OUT_OF_RANGE"), closed("a","VALUE_OUT_OF_RANGE")], needs=["binding:json"])
nest="[" * 30 + "]" * 30
w("json-nesting", ["JSON-7","VER-3"], "An unknown member nested 32 deep is accepted and skipped.",
  visitor("a") + [text("a","{\"type\":\"ping\",\"nonce\":4,\"future\":{\"x\":"+nest+"}}"), exp("a", {"type":"pong","nonce":4})], needs=["binding:json"])
w("websocket-wrong-message-kind", ["WS-2"], "Under parley.v1.json a binary WebSocket message is ENCODING_NOT_NEGOTIATED (fatal).",
  [conn("a"), payload("a","030805"), err("a","ENCODING_NOT_NEGOTIATED"), closed("a","ENCODING_NOT_NEGOTIATED")], needs=["binding:json"])

# ---------- messages and errors ----------
w("wrong-direction", ["MSG-2","MSG-1"], "A server-only message from a client is WRONG_DIRECTION, non-fatal; the session goes on.",
  visitor("v") + [send("v", {"type":"ok","rid":5}), err("v","WRONG_DIRECTION", messageType=6), send("v", {"type":"ping","nonce":2}), exp("v", {"type":"pong","nonce":2})])
w("one-result-per-command", ["MSG-3","SESSION-12","ERR-1","ERR-5"], "Each command gets exactly one result carrying its rid; rid 0 is INVALID_ARGUMENT; an ack (a signal) gets no answer.",
  visitor("v") + [send("v", {"type":"setPresence","rid":7,"status":"online"}), exp("v", {"type":"ok","rid":7}), nothing("v", 300),
   send("v", {"type":"setPresence","rid":0,"status":"online"}), err("v","INVALID_ARGUMENT", rid=0), nothing("v", 300),
   send("v", {"type":"list","rid":8}), exp("v", {"type":"conversations","rid":8}), nothing("v", 300)])
w("heartbeat-pong", ["SESSION-26"], "A ping is answered by a pong with the same nonce.",
  [conn("v"), hello("v"), exp("v", WELCOME), send("v", {"type":"ping","nonce":41}), exp("v", {"type":"pong","nonce":41}), send("v", {"type":"ping","nonce":9007199254740991}), exp("v", {"type":"pong","nonce":9007199254740991})])

# ---------- session ----------
def create(c, rid, text="hello", cap="conv", **kw):
    m={"type":"create","rid":rid,"text":text}; m.update(kw)
    return [send(c, m), exp(c, {"type":"ok","rid":rid,"conversation":f"$capture:{cap}"})]
def close(c, rid, conv="$conv"): return [send(c, {"type":"close","rid":rid,"conversation":conv}), exp(c, {"type":"ok","rid":rid}, skipOthers=True)]
def stop(c, rid): return [send(c, {"type":"agentStatus","rid":rid,"routing":"notAccepting"}), exp(c, {"type":"ok","rid":rid})]
def accept(c, rid, **kw):
    m={"type":"agentStatus","rid":rid,"routing":"accepting"}; m.update(kw)
    return [send(c, m), exp(c, {"type":"ok","rid":rid})]

w("resume-exact-replay", ["SESSION-10","SESSION-11","SESSION-14","SESSION-15"], "Events carry seq 1, 2, 3…; after an ack of 1 and a drop, resuming with lastSeq 1 replays exactly seq 2 and 3, once, in order, with the same session id.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"session":"$capture:session","resumeToken":"$capture:token","sessionToken":"$capture:visitor"})]
  + create("v", 2, "first") + [exp("v", {"type":"event","seq":1,"event":{"conversation":"$conv","cseq":1,"kind":"created"}}),
   exp("v", {"type":"event","seq":2,"event":{"cseq":2}}), exp("v", {"type":"event","seq":3,"event":{"cseq":3,"kind":"message","text":"first"}}),
   send("v", {"type":"ack","seq":1}), nothing("v", 200), {"client":"v","disconnect":{}}, adv(200),
   conn("v"), hello("v", rid=3, auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":1}),
   exp("v", {"type":"welcome","rid":3,"session":"$session","resume":{"status":"resumed","replayFrom":2,"lastSeq":3}}),
   exp("v", {"type":"event","seq":2,"event":{"cseq":2}}), exp("v", {"type":"event","seq":3,"event":{"cseq":3,"text":"first"}}), nothing("v", 300),
   send("v", {"type":"send","rid":4,"conversation":"$conv","clientMessageId":"m2","text":"second"}), exp("v", {"type":"ok","rid":4,"cseq":4}),
   exp("v", {"type":"event","seq":4,"event":{"cseq":4,"text":"second"}})],
  cleanup=close("v", 90))
w("resume-replaces-attached", ["SESSION-18","SESSION-14"], "Resuming a session still attached to another connection closes that connection with SESSION_REPLACED.",
  [conn("a"), hello("a"), exp("a", {"type":"welcome","rid":1,"session":"$capture:session","resumeToken":"$capture:token","sessionToken":"$capture:visitor"}),
   conn("b"), hello("b", auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":0}),
   exp("b", {"type":"welcome","rid":1,"session":"$session","resume":{"status":"resumed"}}), closed("a","SESSION_REPLACED")])
w("resume-last-seq-too-high", ["SESSION-17"], "A resume whose lastSeq is above the session's latest seq is ACK_OUT_OF_RANGE.",
  [conn("a"), hello("a"), exp("a", {"type":"welcome","rid":1,"resumeToken":"$capture:token","sessionToken":"$capture:visitor"}), {"client":"a","disconnect":{}}, adv(100),
   conn("b"), hello("b", auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":99}), closed("b","ACK_OUT_OF_RANGE")])
w("goodbye-ends-session", ["SESSION-34","SESSION-16"], "After a goodbye the server closes without answering and the session cannot be resumed: a later resume is expired and opens a new session.",
  [conn("a"), hello("a"), exp("a", {"type":"welcome","rid":1,"session":"$capture:session","resumeToken":"$capture:token","sessionToken":"$capture:visitor"}),
   send("a", {"type":"goodbye","code":"GOING_AWAY"}), closed("a"), adv(100),
   conn("b"), hello("b", auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":0}),
   exp("b", {"type":"welcome","rid":1,"resume":{"status":"expired","replayFrom":"$absent"}}), nothing("b", 200)])
w("ack-backwards", ["SESSION-11"], "An ack below an earlier ack is ACK_OUT_OF_RANGE (fatal).",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"sessionToken":"$capture:visitor"})] + create("v", 2, "x") + [exp("v", {"type":"event","seq":1}), exp("v", {"type":"event","seq":2}), exp("v", {"type":"event","seq":3}),
   send("v", {"type":"ack","seq":3}), nothing("v", 200), send("v", {"type":"ack","seq":2}), closed("v","ACK_OUT_OF_RANGE")],
  cleanup=[conn("v"), hello("v", auth={"scheme":"session","credential":"$visitor"}), exp("v", {"type":"welcome"})] + close("v", 90))
w("idempotent-send", ["SESSION-22","SESSION-23","SESSION-24"], "The same clientMessageId and content twice is one message: the retransmission gets the original ok with duplicate true and no second event; other content is IDEMPOTENCY_CONFLICT; an empty id is INVALID_ARGUMENT.",
  visitor("v") + create("v", 2, "start") + [exp("v", {"type":"event","seq":3}, skipOthers=True),
   send("v", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"m-42","text":"where is my parcel?"}),
   exp("v", {"type":"ok","rid":3,"cseq":"$capture:cseq","duplicate":"$absent"}), exp("v", {"type":"event","seq":4,"event":{"cseq":"$cseq"}}),
   send("v", {"type":"send","rid":4,"conversation":"$conv","clientMessageId":"m-42","text":"where is my parcel?"}),
   exp("v", {"type":"ok","rid":4,"cseq":"$cseq","duplicate":True}), nothing("v", 300),
   send("v", {"type":"send","rid":5,"conversation":"$conv","clientMessageId":"m-42","text":"something else"}), err("v","IDEMPOTENCY_CONFLICT", rid=5),
   send("v", {"type":"send","rid":6,"conversation":"$conv","clientMessageId":"","text":"no id"}), err("v","INVALID_ARGUMENT", rid=6),
   send("v", {"type":"history","rid":7,"conversation":"$conv","direction":"forward"}),
   exp("v", {"type":"historyPage","rid":7,"events":[{"cseq":1},{"cseq":2},{"cseq":3},{"cseq":4,"text":"where is my parcel?"}]})],
  cleanup=close("v", 90))
presence_steps=[]
for i in range(5):
    presence_steps += [send("v", {"type":"setPresence","rid":2+i,"status":["online","away"][i%2]}), exp("v", {"type":"ok","rid":2+i})]
w("rate-limit-presence", ["SESSION-28","ERR-6"], "Presence updates beyond the announced burst are RATE_LIMITED (non-fatal) with retryAfterMs no more than a refill interval; after waiting that long the next one is accepted.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"limits":{"presenceBurst":5,"presenceRate":30}})] + presence_steps +
  [send("v", {"type":"setPresence","rid":7,"status":"away"}), err("v","RATE_LIMITED", rid=7, retryAfterMs="$range:1..2000"), adv(2100),
   send("v", {"type":"setPresence","rid":8,"status":"away"}), exp("v", {"type":"ok","rid":8})])
typing_flood=[{"client":"v","send":{"type":"typing","conversation":"$conv","typing":i%2==0}} for i in range(10)]
w("rate-limit-signal", ["SESSION-28","ERR-5","ERR-6","MSG-3"], "A typing signal beyond the typing burst is answered RATE_LIMITED without rid, naming the signal (messageType 28), with retryAfterMs.",
  visitor("v") + create("v", 2, "hi") + [exp("v", {"type":"event","seq":3}, skipOthers=True)] + typing_flood + [{"client":"v","send":{"type":"typing","conversation":"$conv","typing":True}},
   err("v","RATE_LIMITED", messageType=28, retryAfterMs="$range:1..60000")], cleanup=close("v", 90))
abuse=[]
for i in range(16):
    abuse.append(send("v", {"type":"setPresence","rid":2+i,"status":"online"}))
w("rate-limit-abuse", ["SESSION-29"], "A client that goes on sending rate-limited inputs (five accepted, then eleven refused in a row; nothing sent after, so the close cannot race further input) is closed with RATE_LIMIT_ABUSE.",
  visitor("v") + abuse + [closed("v","RATE_LIMIT_ABUSE")])
w("invalid-arguments", ["SESSION-30","CONV-11","ERR-3"], "A send with empty text and no attachments is INVALID_ARGUMENT and has no effect (no event); the session goes on.",
  visitor("v") + create("v", 2, "hi") + [exp("v", {"type":"event","seq":3}, skipOthers=True),
   send("v", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"e1","text":""}), err("v","INVALID_ARGUMENT", rid=3), nothing("v", 300),
   send("v", {"type":"send","rid":4,"conversation":"$conv","clientMessageId":"e2","text":"ok now"}), exp("v", {"type":"ok","rid":4,"cseq":4})],
  cleanup=close("v", 90))
w("token-purpose", ["SESSION-6","SESSION-5"], "A session token presented as an access token (another purpose) is AUTH_FAILED; an expired access token is TOKEN_EXPIRED.",
  [conn("a"), hello("a"), exp("a", {"type":"welcome","rid":1,"sessionToken":"$capture:visitor"}),
   conn("b"), hello("b", auth={"scheme":"token","credential":"$visitor"}), err("b","AUTH_FAILED", rid=1), closed("b","AUTH_FAILED"),
   conn("c"), hello("c", auth={"scheme":"token","credential":"$expiredToken"}), err("c","TOKEN_EXPIRED", rid=1), closed("c","TOKEN_EXPIRED")], needs=["seed:expiredToken"])
w("unknown-auth-scheme", ["SESSION-4","SESSION-5"], "A scheme the authenticator does not know is AUTH_FAILED, answering the hello.",
  [conn("a"), hello("a", rid=5, auth={"scheme":"kerberos","credential":"x"}), err("a","AUTH_FAILED", rid=5), closed("a","AUTH_FAILED")])
w("agent-handshake", ["SESSION-4","SESSION-6","SESSION-8"], "A signed agent token authenticates as that agent, with the limits in force.",
  [conn("a"), hello("a", auth={"scheme":"token","credential":"$agentToken1"}),
   exp("a", {"type":"welcome","rid":1,"version":1,"session":"$any","resumeToken":"$any","serverTime":"$any","sessionToken":"$absent",
             "identity":{"user":"$any","role":"agent"},"limits":{"maxFrame":"$any","maxMessage":"$any","heartbeatMs":"$any"}})], needs=["agents:1"])

# ---------- conversations and routing ----------
ASSIGN_STEPS = agent("a", 1, "agent1") + accept("a", 2) + visitor("v", "visitorUser") + create("v", 2, "my parcel is late") + [
   exp("v", {"type":"event","event":{"conversation":"$conv","cseq":1,"kind":"created","sender":"$visitorUser"}}),
   exp("v", {"type":"event","event":{"cseq":2,"kind":"queued"}}),
   exp("v", {"type":"event","event":{"cseq":3,"kind":"message","text":"my parcel is late","senderRole":"visitor"}}),
   exp("v", {"type":"event","event":{"cseq":4,"kind":"assigned","agent":"$agent1"}}),
   exp("a", {"type":"event","event":{"conversation":"$conv","cseq":4,"kind":"assigned","agent":"$agent1"}})]
CLEAN = [send("v", {"type":"close","rid":90,"conversation":"$conv"}), send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91})]
w("routing-assigns-accepting-agent", ["CONV-1","CONV-5","CONV-10","CONV-13","ROUTE-7","ROUTE-1"], "A visitor creates a conversation; its first text follows created and queued; the accepting agent is assigned at once and both sides get the assigned event, cseq from 1 without gaps.",
  ASSIGN_STEPS, needs=["agents:1"], cleanup=CLEAN)
w("staff-cannot-create", ["CONV-1"], "Only visitors create conversations: staff get FORBIDDEN; an unknown team is TEAM_NOT_FOUND.",
  agent("a", 1, "agent1") + [send("a", {"type":"create","rid":2,"text":"hi"}), err("a","FORBIDDEN", rid=2)] + visitor("v") +
  [send("v", {"type":"create","rid":2,"team":"no-such-team-x","text":"hi"}), err("v","TEAM_NOT_FOUND", rid=2)], needs=["agents:1"])
w("agent-capacity", ["ROUTE-5","ROUTE-7","CONV-4","ROUTE-8"], "An agent with maxConcurrent 1 gets the first conversation only; the second waits queued at position 1; closing the first frees the agent, who takes the second at once. maxConcurrent 0 is INVALID_ARGUMENT.",
  agent("a", 1, "agent1") + [send("a", {"type":"agentStatus","rid":2,"routing":"accepting","maxConcurrent":0}), err("a","INVALID_ARGUMENT", rid=2)] + accept("a", 3, maxConcurrent=1)
  + visitor("v") + create("v", 2, "first", "conv") + [exp("a", {"type":"event","event":{"conversation":"$conv","kind":"assigned","agent":"$agent1"}})]
  + visitor("w") + create("w", 2, "second", "conv2") + [exp("w", {"type":"queuePosition","conversation":"$conv2","position":1}, skipOthers=True),
   nothing("a", 400)] + close("v", 3) + [exp("a", {"type":"event","event":{"conversation":"$conv","kind":"closed"}}),
   exp("a", {"type":"event","event":{"conversation":"$conv2","kind":"assigned","agent":"$agent1"}}),
   exp("w", {"type":"event","event":{"conversation":"$conv2","kind":"assigned","agent":"$agent1"}}, skipOthers=True)],
  needs=["agents:1"], cleanup=[send("w", {"type":"close","rid":90,"conversation":"$conv2"}), send("v", {"type":"close","rid":90,"conversation":"$conv"}), send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91})])
w("transfer", ["CONV-19","ROUTE-11","CONV-5"], "The assigned agent transfers to another connected agent: both agents and the visitor get the transferred event naming the new agent; a transfer naming two targets is INVALID_ARGUMENT, an unknown agent AGENT_NOT_FOUND, an unknown team TEAM_NOT_FOUND; a visitor cannot transfer.",
  ASSIGN_STEPS + agent("b", 2, "agent2") + stop("b", 2) + [
   send("a", {"type":"transfer","rid":3,"conversation":"$conv","agent":"$agent2","team":"$team"}), err("a","INVALID_ARGUMENT", rid=3),
   send("a", {"type":"transfer","rid":4,"conversation":"$conv","agent":"nobody-here"}), err("a","AGENT_NOT_FOUND", rid=4),
   send("a", {"type":"transfer","rid":5,"conversation":"$conv","team":"no-such-team-x"}), err("a","TEAM_NOT_FOUND", rid=5),
   send("v", {"type":"transfer","rid":3,"conversation":"$conv","agent":"$agent2"}), err("v","FORBIDDEN", rid=3),
   send("a", {"type":"transfer","rid":6,"conversation":"$conv","agent":"$agent2"}), exp("a", {"type":"ok","rid":6}),
   exp("v", {"type":"event","event":{"cseq":5,"kind":"transferred","agent":"$agent2"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":5,"kind":"transferred","agent":"$agent2"}}),
   send("b", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"b1","text":"I can help"}), exp("b", {"type":"ok","rid":3}),
   exp("v", {"type":"event","event":{"kind":"message","text":"I can help","sender":"$agent2"}})],
  needs=["agents:2"], cleanup=CLEAN)
w("close-and-rate", ["CONV-6","CONV-24","CONV-3"], "The agent closes: the visitor gets closed with closeReason byAgent; rating an open conversation is ILLEGAL_TRANSITION, a score of 6 INVALID_RATING, staff rating FORBIDDEN; the visitor rates once, then ALREADY_RATED.",
  ASSIGN_STEPS + [send("v", {"type":"rate","rid":3,"score":5,"conversation":"$conv"}), err("v","ILLEGAL_TRANSITION", rid=3)] + close("a", 3) + [
   exp("a", {"type":"event","event":{"kind":"closed","closeReason":"byAgent"}}),
   exp("v", {"type":"event","event":{"kind":"closed","closeReason":"byAgent","sender":"$agent1"}}),
   send("v", {"type":"rate","rid":4,"conversation":"$conv","score":6}), err("v","INVALID_RATING", rid=4),
   send("a", {"type":"rate","rid":4,"conversation":"$conv","score":5}), err("a","FORBIDDEN", rid=4),
   send("v", {"type":"rate","rid":5,"conversation":"$conv","score":4,"comment":"quick"}), exp("v", {"type":"ok","rid":5}),
   exp("v", {"type":"event","event":{"kind":"rated","score":4}}),
   send("v", {"type":"rate","rid":6,"conversation":"$conv","score":5}), err("v","ALREADY_RATED", rid=6)],
  needs=["agents:1"], cleanup=CLEAN)
w("internal-notes", ["CONV-14","CONV-25","CONV-15"], "An agent's note is never delivered to the visitor nor in the visitor's history, while the agent's transcript holds it; a visitor's note is FORBIDDEN, a visitor's transcript FORBIDDEN.",
  ASSIGN_STEPS + [send("a", {"type":"note","rid":3,"conversation":"$conv","clientMessageId":"n1","text":"VIP customer"}), exp("a", {"type":"ok","rid":3,"cseq":5}),
   exp("a", {"type":"event","event":{"cseq":5,"kind":"note","text":"VIP customer"}}),
   send("a", {"type":"send","rid":4,"conversation":"$conv","clientMessageId":"a1","text":"Let me check"}), exp("a", {"type":"ok","rid":4,"cseq":6}),
   exp("v", {"type":"event","event":{"cseq":6,"kind":"message","text":"Let me check"}}), exp("a", {"type":"event","event":{"cseq":6}}),
   send("v", {"type":"history","rid":3,"conversation":"$conv","direction":"forward"}),
   exp("v", {"type":"historyPage","rid":3,"events":[{"cseq":1},{"cseq":2},{"cseq":3},{"cseq":4},{"cseq":6}]}),
   send("v", {"type":"note","rid":4,"conversation":"$conv","clientMessageId":"n2","text":"sneaky"}), err("v","FORBIDDEN", rid=4),
   send("v", {"type":"transcript","rid":5,"conversation":"$conv"}), err("v","FORBIDDEN", rid=5),
   send("a", {"type":"transcript","rid":5,"conversation":"$conv"}), exp("a", {"type":"transcriptResult","rid":5,"events":[{"cseq":1},{"cseq":2},{"cseq":3},{"cseq":4},{"cseq":5,"kind":"note"},{"cseq":6}]})],
  needs=["agents:1"], cleanup=CLEAN)
w("visitor-isolation", ["CONV-30","CONV-29"], "A visitor cannot read, write to or list another visitor's conversation: CONVERSATION_NOT_FOUND, never revealing it exists.",
  visitor("v") + create("v", 2, "private matter") + [exp("v", {"type":"event","seq":3}, skipOthers=True)] + visitor("m") + [
   send("m", {"type":"history","rid":2,"conversation":"$conv"}), err("m","CONVERSATION_NOT_FOUND", rid=2),
   send("m", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"x","text":"hi"}), err("m","CONVERSATION_NOT_FOUND", rid=3),
   send("m", {"type":"list","rid":4}), exp("m", {"type":"conversations","rid":4,"conversations":"$absent"}), nothing("v", 300)],
  cleanup=close("v", 90))

# ---------- typing ----------
w("typing-reaches-other-side", ["TYPE-1","TYPE-2","TYPE-8","TYPE-4"], "The agent's typing reaches the visitor as the full set of typers and is never echoed to the agent; sending a message ends it.",
  ASSIGN_STEPS + [{"client":"a","send":{"type":"typing","conversation":"$conv","typing":True}},
   exp("v", {"type":"typers","conversation":"$conv","typers":[{"user":"$agent1","role":"agent"}]}), nothing("a", 400, type="typers"),
   send("a", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"a1","text":"Hello!"}), exp("a", {"type":"ok","rid":3}), exp("a", {"type":"event","event":{"text":"Hello!"}}),
   exp("v", {"type":"typers","conversation":"$conv","typers":"$absent"}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("typing-expires", ["TYPE-3"], "A typer who stops sending is removed once the typing expiry passes (default 6 s; checked with 4 s of tolerance): the receivers get the empty set.",
  ASSIGN_STEPS + [{"client":"v","send":{"type":"typing","conversation":"$conv","typing":True}},
   exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser","role":"visitor"}]}),
   exp("a", {"type":"typers","conversation":"$conv","typers":"$absent"}, withinMs=10000, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("typing-internal-forbidden", ["TYPE-9"], "A visitor typing with internal true is answered FORBIDDEN (no rid, messageType 28).",
  visitor("v") + create("v", 2, "hi") + [exp("v", {"type":"event","seq":3}, skipOthers=True), {"client":"v","send":{"type":"typing","conversation":"$conv","typing":True,"internal":True}},
   err("v","FORBIDDEN", messageType=28)], cleanup=close("v", 90))

# ---------- presence ----------
w("presence-errors", ["PRES-5","PRES-10","PRES-13","PRES-16","PRES-18","PRES-19"], "Presence commands refused as the spec says: offline status, a visitor's free text, staff pages, a visitor's agentStatus, a staff routing of offline, an unknown topic, a visitor subscribing to visitors.",
  visitor("v") + [send("v", {"type":"setPresence","rid":2,"status":"offline"}), err("v","INVALID_ARGUMENT", rid=2),
   send("v", {"type":"setPresence","rid":3,"status":"online","text":"hi"}), err("v","FORBIDDEN", rid=3),
   send("v", {"type":"agentStatus","rid":4,"routing":"accepting"}), err("v","FORBIDDEN", rid=4),
   send("v", {"type":"subscribe","rid":5,"topic":"presence:visitors"}), err("v","PRESENCE_FORBIDDEN", rid=5),
   send("v", {"type":"subscribe","rid":6,"topic":"presence:everyone"}), err("v","UNKNOWN_TOPIC", rid=6)] + agent("a", 1, "agent1") + [
   send("a", {"type":"setPresence","rid":2,"status":"online","page":{"url":"https://x.example/"}}), err("a","INVALID_ARGUMENT", rid=2),
   send("a", {"type":"agentStatus","rid":3,"routing":"offline"}), err("a","INVALID_ARGUMENT", rid=3)], needs=["agents:1"])
w("presence-visitors", ["PRES-1","PRES-3","PRES-22"], "Staff subscribed to presence:visitors see a visitor arrive online, with onSiteSince.",
  agent("a", 1, "agent1") + [send("a", {"type":"subscribe","rid":2,"topic":"presence:visitors"}), exp("a", {"type":"ok","rid":2})] + visitor("v", "visitorUser") + [
   exp("a", {"type":"presence","user":"$visitorUser","role":"visitor","status":"online","onSiteSince":"$any"}, skipOthers=True)], needs=["agents:1"])
w("presence-page", ["PRES-12","PRES-17"], "A visitor's reported page reaches staff subscribed to presence:visitors, at the latest at the end of the coalescing window (default 500 ms; checked within 3 s).",
  agent("a", 1, "agent1") + [send("a", {"type":"subscribe","rid":2,"topic":"presence:visitors"}), exp("a", {"type":"ok","rid":2}, skipOthers=True)] + visitor("v", "visitorUser") + [
   send("v", {"type":"setPresence","rid":2,"status":"online","page":{"url":"https://shop.example/cart","title":"Cart"}}), exp("v", {"type":"ok","rid":2}),
   exp("a", {"type":"presence","user":"$visitorUser","status":"online","page":{"url":"https://shop.example/cart"}}, skipOthers=True, withinMs=3000)], needs=["agents:1"])
w("presence-team-availability", ["PRES-21","PRES-22","PRES-15","PRES-23"], "A visitor subscribed to presence:team:<team> first gets the team's availability (offline while nobody accepts); an agent coming online starts notAccepting (nothing changes for the team); when the agent starts accepting, the team becomes online and accepting.",
  visitor("v") + [send("v", {"type":"subscribe","rid":2,"topic":"$teamTopic"}), exp("v", {"type":"presence","user":"team:$team" if False else "$any","role":"agent","status":"offline"}), exp("v", {"type":"ok","rid":2})] + agent("a", 1, "agent1") + [
   nothing("v", 700, type="presence")] + accept("a", 3) + [
   exp("v", {"type":"presence","role":"agent","status":"online","routing":"accepting"}, withinMs=3000)],
  needs=["agents:1"], cleanup=[send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91})])

w("version-negotiation", ["VER-1","SESSION-2","SESSION-8"], "The server answers the first offered version it speaks: [2, 1] gives 1, an empty list means [1].",
  [conn("a"), hello("a", versions=[2, 1]), exp("a", {"type":"welcome","rid":1,"version":1}),
   conn("b"), hello("b", versions=[]), exp("b", {"type":"welcome","rid":1,"version":1})])
w("offline-leave-message", ["CONV-7","CONV-2"], "With no agent of the team accepting, a new conversation is offline (the visitor leaves a message, which is kept); the visitor's leave does not abandon it (ILLEGAL_TRANSITION). Needs a team where no agent accepts.",
  visitor("v") + create("v", 2, "are you open?") + [exp("v", {"type":"event","event":{"cseq":2,"kind":"offline"}}, skipOthers=True), exp("v", {"type":"event","event":{"cseq":3,"kind":"message"}}),
   send("v", {"type":"leave","rid":3,"conversation":"$conv"}), err("v","ILLEGAL_TRANSITION", rid=3),
   send("v", {"type":"list","rid":4,"state":"offline"}), exp("v", {"type":"conversations","rid":4,"conversations":[{"id":"$conv","state":"offline"}]})],
  cleanup=close("v", 90))
