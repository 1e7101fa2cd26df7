"""Writes Spec/scenarios/conformance/*.json, the conformance suite's own checks (Spec/conformance.md).

Run: python3 Scripts/gen_conformance_scenarios.py (the JSON files are the source of truth for
other implementations; this script only keeps them consistent).
"""
import json, os
OUT=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Spec', 'scenarios', 'conformance')
# Checks the reference server fails today (a server bug to fix, not a suite one) are written
# outside the suite, to pending-failing-checks/, until the server is fixed.
FAILING=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'pending-failing-checks')
def w(id, reqs, desc, steps, needs=None, cleanup=None, failing=False):
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
    if failing: os.makedirs(FAILING, exist_ok=True)
    open(os.path.join(FAILING if failing else OUT,id+'.json'),'w').write('\n'.join(lines)+'\n')

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
def adv(ms):
    """A wait: milliseconds, or a sum over announced values ("$answerTimeoutMs-600")."""
    return {"advance":ms}
def assume(expr, because): return {"assume":expr,"because":because}
def repeat(count, steps): return {"repeat":count,"steps":steps}
def caps(*names):
    """Captures of announced limits, each under its own name, for a welcome expectation."""
    return {"limits":{n:f"$capture:{n}" for n in names}}
def visitor(c, cap=None, limits=()):
    st=[conn(c), hello(c), exp(c, {"type":"welcome","rid":1} | ({"identity":{"user":f"$capture:{cap}"}} if cap else {}) | (caps(*limits) if limits else {}))]
    return st
def agent(c, n, cap, limits=()):
    return [conn(c), hello(c, auth={"scheme":"token","credential":f"$agentToken{n}"}),
            exp(c, {"type":"welcome","rid":1,"identity":{"user":f"$capture:{cap}","role":"agent"}} | (caps(*limits) if limits else {}))]
def err(c, code, rid=None, skipOthers=False, **kw):
    m={"type":"error","code":code,"message":"$any"}
    if rid is not None: m["rid"]=rid
    else: m["rid"]="$absent"
    m.update(kw); return exp(c, m, skipOthers=True) if skipOthers else exp(c, m)

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
w("json-unknown-message-type", ["VER-4","JSON-2"], "An unknown message name is UNKNOWN_MESSAGE_TYPE, non-fatal, without rid and without messageType (the name has no number); the connection goes on.",
  visitor("v") + [text("v","{\"type\":\"teleport\",\"rid\":4}"), err("v","UNKNOWN_MESSAGE_TYPE", messageType="$absent"), text("v","{\"type\":\"ping\",\"nonce\":3}"), exp("v", {"type":"pong","nonce":3})], needs=["binding:json"])
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
w("websocket-wrong-message-kind", ["WS-2","WS-4"], "Under parley.v1.json a binary WebSocket message is ENCODING_NOT_NEGOTIATED (fatal, close status 1008), before and after the welcome.",
  [conn("a"), payload("a","030805"), err("a","ENCODING_NOT_NEGOTIATED"), {"client":"a","expectClosed":{"code":"ENCODING_NOT_NEGOTIATED","webSocketStatus":1008}},
   conn("b"), hello("b"), exp("b", {"type":"welcome","rid":1}), payload("b","030805"), err("b","ENCODING_NOT_NEGOTIATED"), closed("b","ENCODING_NOT_NEGOTIATED")],
  needs=["binding:json","binding:websocket"])
w("websocket-wrong-message-kind-binary", ["WS-2","WS-4"], "Under parley.v1.binary a text WebSocket message is ENCODING_NOT_NEGOTIATED (fatal, close status 1008), before and after the welcome.",
  [conn("a"), text("a", '{"type":"ping","nonce":5}'), err("a","ENCODING_NOT_NEGOTIATED"), {"client":"a","expectClosed":{"code":"ENCODING_NOT_NEGOTIATED","webSocketStatus":1008}},
   conn("b"), hello("b"), exp("b", {"type":"welcome","rid":1}), text("b", '{"type":"ping","nonce":5}'), err("b","ENCODING_NOT_NEGOTIATED"), closed("b","ENCODING_NOT_NEGOTIATED")],
  needs=["binding:binary","binding:websocket"])
w("websocket-no-frame-compression", ["COMP-2","COMP-9"], "A WebSocket welcome announces no per-frame compression: WebSocket compresses with permessage-deflate, negotiated in the upgrade.",
  [conn("a"), hello("a"), exp("a", {"type":"welcome","rid":1,"compression":"$absent"})],
  needs=["binding:websocket"])

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
w("rate-limit-abuse", ["SESSION-29","SESSION-28"], "A client that goes on sending rate-limited inputs is closed with RATE_LIMIT_ABUSE only once more than the announced rateAbuseThreshold are refused in a row: the announced presenceBurst accepted, then exactly rateAbuseThreshold refused with the connection still open, then one more closes it.",
  visitor("v", None, ["presenceBurst","rateAbuseThreshold"]) + [
   repeat("$presenceBurst", [send("v", {"type":"setPresence","rid":"$i","status":"online"}), exp("v", {"type":"ok","rid":"$i"}, skipOthers=True)]),
   repeat("$rateAbuseThreshold", [send("v", {"type":"setPresence","rid":"$i","status":"online"}), err("v","RATE_LIMITED", rid="$i", skipOthers=True, retryAfterMs="$any")]),
   nothing("v", 300), send("v", {"type":"setPresence","rid":5000,"status":"online"}), closed("v","RATE_LIMIT_ABUSE")])
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
w("transport-auth-without-identity", ["SESSION-38","SESSION-5"], "A hello of scheme transport on a connection whose transport established no identity (the suite's own connections) is AUTH_FAILED, answering the hello.",
  [conn("a"), hello("a", rid=6, auth={"scheme":"transport"}), err("a","AUTH_FAILED", rid=6), closed("a","AUTH_FAILED")])
RULES={k:"$any" for k in ["answerTimeoutMs","disconnectGraceMs","presenceGraceMs","idleAwayMs","typingExpiryMs","typingThrottleMs","typingRefreshMs",
    "queuePositionIntervalMs","reopenWindowMs","invitationTimeoutMs","inactivityTimeoutMs","maxOpenConversations","maxPriority","defaultMaxConcurrent",
    "maxConcurrentCap","rateAbuseThreshold","maxStatusText","maxPageField","maxPreview","draftPreviews"]}
w("welcome-announces-rules", ["SESSION-37","SESSION-8"], "The welcome announces every live-chat timer and cap (answer timeout, disconnect and presence grace, idle, typing expiry/throttle/refresh, queue-position interval, reopen window, inactivity, open conversations, priority, concurrency, abuse threshold, text lengths, draft previews), to visitors and staff alike.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"limits":RULES}),
   conn("a"), hello("a", auth={"scheme":"token","credential":"$agentToken1"}), exp("a", {"type":"welcome","rid":1,"limits":RULES})], needs=["agents:1"])
w("agent-handshake", ["SESSION-4","SESSION-6","SESSION-8"], "A signed agent token authenticates as that agent, with the limits in force.",
  [conn("a"), hello("a", auth={"scheme":"token","credential":"$agentToken1"}),
   exp("a", {"type":"welcome","rid":1,"version":1,"session":"$any","resumeToken":"$any","serverTime":"$any","sessionToken":"$absent",
             "identity":{"user":"$any","role":"agent"},"limits":{"maxFrame":"$any","maxMessage":"$any","heartbeatMs":"$any"}})], needs=["agents:1"])

# ---------- conversations and routing ----------
def assign_steps(limits=()):
    """An accepting agent a, a visitor v whose conversation $conv is assigned to a; `limits`
    names announced limits captured from a's welcome."""
    return agent("a", 1, "agent1", limits) + accept("a", 2) + visitor("v", "visitorUser") + [
       send("v", {"type":"create","rid":2,"text":"my parcel is late"}), exp("v", {"type":"ok","rid":2,"conversation":"$capture:conv","cseq":4}),
       exp("v", {"type":"event","event":{"conversation":"$conv","cseq":1,"kind":"created","sender":"$visitorUser"}}),
       exp("v", {"type":"event","event":{"cseq":2,"kind":"queued"}}),
       exp("v", {"type":"event","event":{"cseq":3,"kind":"message","text":"my parcel is late","senderRole":"visitor"}}),
       exp("v", {"type":"event","event":{"cseq":4,"kind":"assigned","agent":"$agent1"}}),
       # CONV-31: the newly assigned agent is first sent what the visitor wrote.
       exp("a", {"type":"event","event":{"conversation":"$conv","cseq":1,"kind":"created"}}),
       exp("a", {"type":"event","event":{"conversation":"$conv","cseq":2,"kind":"queued"}}),
       exp("a", {"type":"event","event":{"conversation":"$conv","cseq":3,"kind":"message","text":"my parcel is late"}}),
       exp("a", {"type":"event","event":{"conversation":"$conv","cseq":4,"kind":"assigned","agent":"$agent1"}})]
ASSIGN_STEPS = assign_steps()
def answer(rid=3, text="Hello, how can I help?"):
    """The assigned agent a writes in $conv (so the answer timeout, ROUTE-9, no longer applies);
    both sides have seen the message afterwards."""
    return [send("a", {"type":"send","rid":rid,"conversation":"$conv","clientMessageId":"a-answer","text":text}), exp("a", {"type":"ok","rid":rid}, skipOthers=True),
            exp("a", {"type":"event","event":{"kind":"message","text":text}}, skipOthers=True), exp("v", {"type":"event","event":{"kind":"message","text":text}}, skipOthers=True)]
CLEAN = [send("v", {"type":"close","rid":90,"conversation":"$conv"}), send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91})]
w("routing-assigns-accepting-agent", ["CONV-1","CONV-5","CONV-10","CONV-13","ROUTE-7","ROUTE-1","CONV-31"], "A visitor creates a conversation; its first text follows created and queued; the accepting agent is assigned at once and both sides get the assigned event, cseq from 1 without gaps, and the create's ok carries cseq 4 (its assigned event); the agent is first sent the events before the assignment, the visitor's question included.",
  ASSIGN_STEPS, needs=["agents:1"], cleanup=CLEAN)
w("staff-cannot-create", ["CONV-1"], "Only visitors create conversations: staff get FORBIDDEN; an unknown team is TEAM_NOT_FOUND.",
  agent("a", 1, "agent1") + [send("a", {"type":"create","rid":2,"text":"hi"}), err("a","FORBIDDEN", rid=2)] + visitor("v") +
  [send("v", {"type":"create","rid":2,"team":"no-such-team-x","text":"hi"}), err("v","TEAM_NOT_FOUND", rid=2)], needs=["agents:1"])
w("agent-capacity", ["ROUTE-5","ROUTE-7","CONV-4","ROUTE-8"], "An agent with maxConcurrent 1 gets the first conversation only; the second waits queued at position 1; closing the first frees the agent, who takes the second at once. maxConcurrent 0 is INVALID_ARGUMENT.",
  agent("a", 1, "agent1") + [send("a", {"type":"agentStatus","rid":2,"routing":"accepting","maxConcurrent":0}), err("a","INVALID_ARGUMENT", rid=2)] + accept("a", 3, maxConcurrent=1)
  + visitor("v") + create("v", 2, "first", "conv") + [exp("a", {"type":"event","event":{"conversation":"$conv","kind":"assigned","agent":"$agent1"}}, skipOthers=True)]
  + visitor("w") + create("w", 2, "second", "conv2") + [exp("w", {"type":"queuePosition","conversation":"$conv2","position":1}, skipOthers=True),
   nothing("a", 400)] + close("v", 3) + [exp("a", {"type":"event","event":{"conversation":"$conv","kind":"closed"}}),
   exp("a", {"type":"event","event":{"conversation":"$conv2","kind":"assigned","agent":"$agent1"}}, skipOthers=True),
   exp("w", {"type":"event","event":{"conversation":"$conv2","kind":"assigned","agent":"$agent1"}}, skipOthers=True)],
  needs=["agents:1"], cleanup=[send("w", {"type":"close","rid":90,"conversation":"$conv2"}), send("v", {"type":"close","rid":90,"conversation":"$conv"}), send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91})])
w("transfer", ["CONV-19","ROUTE-11","CONV-5","CONV-31"], "The assigned agent transfers to another connected agent: both agents and the visitor get the transferred event naming the new agent, and the new agent is first sent the earlier events, the internal note included; a transfer naming two targets is INVALID_ARGUMENT, an unknown agent AGENT_NOT_FOUND, an unknown team TEAM_NOT_FOUND; a visitor cannot transfer.",
  ASSIGN_STEPS + agent("b", 2, "agent2") + stop("b", 2) + [
   send("a", {"type":"note","rid":7,"conversation":"$conv","clientMessageId":"n1","text":"asked twice already"}), exp("a", {"type":"ok","rid":7,"cseq":5}),
   exp("a", {"type":"event","event":{"cseq":5,"kind":"note"}}),
   send("a", {"type":"transfer","rid":3,"conversation":"$conv","agent":"$agent2","team":"$team"}), err("a","INVALID_ARGUMENT", rid=3),
   send("a", {"type":"transfer","rid":4,"conversation":"$conv","agent":"nobody-here"}), err("a","AGENT_NOT_FOUND", rid=4),
   send("a", {"type":"transfer","rid":5,"conversation":"$conv","team":"no-such-team-x"}), err("a","TEAM_NOT_FOUND", rid=5),
   send("v", {"type":"transfer","rid":3,"conversation":"$conv","agent":"$agent2"}), err("v","FORBIDDEN", rid=3),
   send("a", {"type":"transfer","rid":6,"conversation":"$conv","agent":"$agent2"}), exp("a", {"type":"ok","rid":6}),
   exp("v", {"type":"event","event":{"cseq":6,"kind":"transferred","agent":"$agent2"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":1,"kind":"created"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":2,"kind":"queued"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":3,"kind":"message","text":"my parcel is late"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":4,"kind":"assigned"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":5,"kind":"note","text":"asked twice already"}}),
   exp("b", {"type":"event","event":{"conversation":"$conv","cseq":6,"kind":"transferred","agent":"$agent2"}}),
   send("b", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"b1","text":"I can help"}), exp("b", {"type":"ok","rid":3}),
   exp("v", {"type":"event","event":{"kind":"message","text":"I can help","sender":"$agent2"}})],
  needs=["agents:2"], cleanup=CLEAN)
w("transfer-to-connected-agent", ["ROUTE-2","ROUTE-11","PRES-23"], "An agent who connected but never sent agentStatus is notAccepting, not offline: a transfer to them succeeds, and they are sent the transferred event.",
  ASSIGN_STEPS + agent("b", 2, "agent2") + [
   send("a", {"type":"transfer","rid":3,"conversation":"$conv","agent":"$agent2"}), exp("a", {"type":"ok","rid":3}, skipOthers=True),
   exp("b", {"type":"event","event":{"conversation":"$conv","kind":"transferred","agent":"$agent2"}}, skipOthers=True)],
  needs=["agents:2"], cleanup=CLEAN)
w("close-and-rate", ["CONV-6","CONV-24","CONV-3"], "The agent closes: the visitor gets closed with closeReason byAgent; rating an open conversation is ILLEGAL_TRANSITION, a score of 6 INVALID_RATING, staff rating FORBIDDEN; the visitor rates once (the agent who closed is sent the rated event too), then ALREADY_RATED.",
  ASSIGN_STEPS + [send("v", {"type":"rate","rid":3,"score":5,"conversation":"$conv"}), err("v","ILLEGAL_TRANSITION", rid=3)] + close("a", 3) + [
   exp("a", {"type":"event","event":{"kind":"closed","closeReason":"byAgent"}}),
   exp("v", {"type":"event","event":{"kind":"closed","closeReason":"byAgent","sender":"$agent1"}}),
   send("v", {"type":"rate","rid":4,"conversation":"$conv","score":6}), err("v","INVALID_RATING", rid=4),
   send("a", {"type":"rate","rid":4,"conversation":"$conv","score":5}), err("a","FORBIDDEN", rid=4),
   send("v", {"type":"rate","rid":5,"conversation":"$conv","score":4,"comment":"quick"}), exp("v", {"type":"ok","rid":5}),
   exp("v", {"type":"event","event":{"kind":"rated","score":4}}),
   exp("a", {"type":"event","event":{"conversation":"$conv","kind":"rated","score":4,"sender":"$capture:rater"}}, skipOthers=True),
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
w("conv-search", ["CONV-36","CONV-30"], "Staff search their teams' messages and notes: a query of a distinctive word (and the conversation id, so that other conversations on the server do not match) in other case finds the visitor's message and the agent's note, newest first; with limit 1 the page names its last event as next, and sending it back as before gives the other event and no next; a prefix of the word finds nothing (whole words); a visitor's search is FORBIDDEN and a query with no word INVALID_ARGUMENT.",
  ASSIGN_STEPS + [
   send("v", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"q1","text":"the quokka of $conv is lost"}), exp("v", {"type":"ok","rid":3}, skipOthers=True),
   send("a", {"type":"note","rid":3,"conversation":"$conv","clientMessageId":"q2","text":"Quokka ($conv): refund it"}), exp("a", {"type":"ok","rid":3}, skipOthers=True),
   send("a", {"type":"search","rid":4,"text":"QUOKKA $conv"}),
   exp("a", {"type":"searchResult","rid":4,"events":[{"conversation":"$conv","kind":"note"},{"conversation":"$conv","kind":"message","senderRole":"visitor"}],"next":"$absent"}, skipOthers=True),
   send("a", {"type":"search","rid":5,"text":"quokka $conv","limit":1}),
   exp("a", {"type":"searchResult","rid":5,"events":[{"conversation":"$conv","kind":"note"}],
             "next":{"time":"$capture:nextTime","conversation":"$conv","cseq":"$capture:nextCseq"}}, skipOthers=True),
   send("a", {"type":"search","rid":6,"text":"quokka $conv","limit":1,"before":{"time":"$nextTime","conversation":"$conv","cseq":"$nextCseq"}}),
   exp("a", {"type":"searchResult","rid":6,"events":[{"conversation":"$conv","kind":"message"}],"next":"$absent"}, skipOthers=True),
   send("a", {"type":"search","rid":7,"text":"quokk $conv"}), exp("a", {"type":"searchResult","rid":7,"events":"$absent"}, skipOthers=True),
   send("v", {"type":"search","rid":4,"text":"quokka"}), err("v","FORBIDDEN", rid=4, skipOthers=True),
   send("a", {"type":"search","rid":8,"text":"?!"}), err("a","INVALID_ARGUMENT", rid=8, skipOthers=True)],
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
   exp("v", {"type":"typers","conversation":"$conv","typers":"$absent"}, skipOthers=True),
   # TYPE-8: the agent's own view (nobody else typing) did not change: no redundant empty set.
   nothing("a", 400, type="typers")],
  needs=["agents:1"], cleanup=CLEAN)
w("typing-unseen-conversation", ["CONV-30","TYPE-1"], "Typing into another visitor's conversation and into one that does not exist get the same answer, CONVERSATION_NOT_FOUND (no rid, messageType 28): a signal never reveals that a conversation exists.",
  visitor("v") + create("v", 2, "hi") + [exp("v", {"type":"event","seq":3}, skipOthers=True)] + visitor("w") + [
   {"client":"w","send":{"type":"typing","conversation":"$conv","typing":True}}, err("w","CONVERSATION_NOT_FOUND", messageType=28),
   {"client":"w","send":{"type":"typing","conversation":"no-such-conversation-x","typing":True}}, err("w","CONVERSATION_NOT_FOUND", messageType=28),
   nothing("v", 300, type="typers")], cleanup=close("v", 90))
w("typing-expires", ["TYPE-3"], "A typer who stops sending is removed when the announced typingExpiryMs passes: still shown 500 ms before it, the empty set within 1.5 s after it.",
  assign_steps(["typingExpiryMs"]) + answer() + [{"client":"v","send":{"type":"typing","conversation":"$conv","typing":True}},
   exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser","role":"visitor"}]}),
   adv("$typingExpiryMs-500"), nothing("a", 50, type="typers"),
   exp("a", {"type":"typers","conversation":"$conv","typers":"$absent"}, withinMs=1500)],
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
   send("v", {"type":"list","rid":4,"state":"offline"}), exp("v", {"type":"conversations","rid":4,"conversations":[{"id":"$conv","state":"offline","queuePosition":"$absent"}]})],
  cleanup=close("v", 90))

# ---------- more conversations and routing ----------
import zlib
def ev(c, e, **kw): return exp(c, {"type":"event","event":e}, **kw)
def sup(c, cap): return [conn(c), hello(c, auth={"scheme":"token","credential":"$supervisorToken"}),
                         exp(c, {"type":"welcome","rid":1,"identity":{"user":f"$capture:{cap}","role":"supervisor"}})]
def msg(c, rid, text, cid, conv="$conv"): return send(c, {"type":"send","rid":rid,"conversation":conv,"clientMessageId":cid,"text":text})
def typing(c, on=True, conv="$conv", **kw):
    m={"type":"typing","conversation":conv,"typing":on}; m.update(kw); return {"client":c,"send":m}
BUSY = agent("a", 1, "agent1") + accept("a", 2, maxConcurrent=1) + visitor("v") + create("v", 2, "first", "conv") + [
   ev("a", {"conversation":"$conv","kind":"assigned","agent":"$agent1"}, skipOthers=True)]
BUSY_CLEAN = [send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91}, skipOthers=True)]

w("conv-abandon-queued", ["CONV-8","CONV-9"], "A visitor leaving a queued conversation abandons it (an abandoned event); an abandoned conversation never reopens (ILLEGAL_TRANSITION).",
  BUSY + visitor("w") + create("w", 2, "second", "conv2") + [exp("w", {"type":"queuePosition","conversation":"$conv2","position":1}, skipOthers=True),
   send("w", {"type":"leave","rid":3,"conversation":"$conv2"}), exp("w", {"type":"ok","rid":3}, skipOthers=True),
   ev("w", {"conversation":"$conv2","kind":"abandoned"}, skipOthers=True),
   send("w", {"type":"reopen","rid":4,"conversation":"$conv2"}), err("w","ILLEGAL_TRANSITION", rid=4),
   send("w", {"type":"list","rid":5,"state":"abandoned"}), exp("w", {"type":"conversations","rid":5,"conversations":[{"id":"$conv2","state":"abandoned"}]})],
  needs=["agents:1"], cleanup=close("v", 90) + BUSY_CLEAN)
w("conv-goodbye-abandons-queued", ["CONV-8","SESSION-34"], "A visitor who says goodbye leaves for good at once: their queued conversation is abandoned, as the agent's transcript of it shows.",
  BUSY + visitor("w") + create("w", 2, "second", "conv2") + [exp("w", {"type":"queuePosition","conversation":"$conv2","position":1}, skipOthers=True),
   send("w", {"type":"goodbye","code":"GOING_AWAY"}), {"client":"w","expectClosed":{}},
   send("a", {"type":"transcript","rid":3,"conversation":"$conv2"}),
   exp("a", {"type":"transcriptResult","rid":3,"summary":{"id":"$conv2","state":"abandoned"}}, skipOthers=True)],
  needs=["agents:1"], cleanup=close("v", 90) + BUSY_CLEAN)
w("conv-reopen", ["CONV-9"], "A closed conversation reopens on its visitor's next message (reopened, then assigned back to the accepting agent, then the message) and on reopen (reopened, assigned). The reopen window itself is conv-reopen-window's.",
  ASSIGN_STEPS + close("a", 3) + [ev("v", {"kind":"closed"}, skipOthers=True),
   msg("v", 3, "one more thing", "r1"), exp("v", {"type":"ok","rid":3}, skipOthers=True),
   ev("v", {"cseq":6,"kind":"reopened"}, skipOthers=True), ev("v", {"cseq":7,"kind":"assigned","agent":"$agent1"}), ev("v", {"cseq":8,"kind":"message","text":"one more thing"}),
   ev("a", {"cseq":7,"kind":"assigned","agent":"$agent1"}, skipOthers=True)] + close("a", 4) + [ev("v", {"kind":"closed"}, skipOthers=True),
   send("v", {"type":"reopen","rid":4,"conversation":"$conv"}), exp("v", {"type":"ok","rid":4}, skipOthers=True),
   ev("v", {"kind":"reopened"}, skipOthers=True), ev("v", {"kind":"assigned","agent":"$agent1"})],
  needs=["agents:1"], cleanup=CLEAN)
att={"name":"a.txt","mimeType":"text/plain","size":1,"url":"https://files.example/a"}
w("conv-attachments", ["CONV-12","SESSION-30"], "An attachment is metadata and comes back as sent; exactly the announced maxAttachments is accepted, one more is INVALID_ARGUMENT (and adds nothing).",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1} | caps("maxAttachments"))] + [assume("200-$maxAttachments", "needs maxAttachments of at most 200, so that one more attachment (about 80 bytes each) fits in a message")] + create("v", 2, "hi") + [exp("v", {"type":"event","seq":3}, skipOthers=True),
   send("v", {"type":"send","rid":3,"conversation":"$conv","clientMessageId":"f1","text":"see file","attachments":[att]}), exp("v", {"type":"ok","rid":3}),
   ev("v", {"kind":"message","attachments":[att]}),
   send("v", {"type":"send","rid":4,"conversation":"$conv","clientMessageId":"f2","text":"as many as allowed","attachments":{"$array":"$maxAttachments","of":att}}), exp("v", {"type":"ok","rid":4}),
   ev("v", {"kind":"message","text":"as many as allowed"}),
   send("v", {"type":"send","rid":5,"conversation":"$conv","clientMessageId":"f3","text":"too many","attachments":{"$array":"$maxAttachments+1","of":att}}), err("v","INVALID_ARGUMENT", rid=5), nothing("v", 300)],
  cleanup=close("v", 90))
w("limit-max-text", ["SESSION-30"], "A text of exactly the announced maxText bytes is accepted in create, send and note; one byte more is INVALID_ARGUMENT in each and adds nothing.",
  agent("a", 1, "agent1") + accept("a", 2) + [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1} | caps("maxText","maxMessage"))] + [
   assume("$maxMessage-$maxText-200", "needs a message of maxText + 200 bytes to fit in maxMessage"),
   send("v", {"type":"create","rid":2,"text":{"$string":"$maxText+1"}}), err("v","INVALID_ARGUMENT", rid=2), nothing("v", 300),
   send("v", {"type":"create","rid":3,"text":{"$string":"$maxText"}}), exp("v", {"type":"ok","rid":3,"conversation":"$capture:conv"}),
   ev("a", {"conversation":"$conv","kind":"assigned"}, skipOthers=True),
   send("v", {"type":"send","rid":4,"conversation":"$conv","clientMessageId":"t1","text":{"$string":"$maxText+1"}}), err("v","INVALID_ARGUMENT", rid=4, skipOthers=True),
   send("v", {"type":"send","rid":5,"conversation":"$conv","clientMessageId":"t2","text":{"$string":"$maxText"}}), exp("v", {"type":"ok","rid":5}, skipOthers=True),
   send("a", {"type":"note","rid":3,"conversation":"$conv","clientMessageId":"n1","text":{"$string":"$maxText+1"}}), err("a","INVALID_ARGUMENT", rid=3, skipOthers=True),
   send("a", {"type":"note","rid":4,"conversation":"$conv","clientMessageId":"n2","text":{"$string":"$maxText"}}), exp("a", {"type":"ok","rid":4}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-read-marker", ["CONV-16","CONV-33"], "A read marker moved by the visitor reaches the agent and the visitor's own session, and the visitor's list shows it as readCseq with the assignedAgent; a cseq past the last event is INVALID_ARGUMENT; a lower one is accepted and emits nothing.",
  ASSIGN_STEPS + [send("v", {"type":"read","rid":3,"conversation":"$conv","cseq":4}), exp("v", {"type":"ok","rid":3}, skipOthers=True),
   exp("v", {"type":"readMarker","conversation":"$conv","user":"$visitorUser","cseq":4}, skipOthers=True),
   exp("a", {"type":"readMarker","conversation":"$conv","user":"$visitorUser","cseq":4}),
   send("v", {"type":"list","rid":6}), exp("v", {"type":"conversations","rid":6,"conversations":[{"id":"$conv","readCseq":4,"assignedAgent":"$agent1"}]}, skipOthers=True),
   send("v", {"type":"read","rid":4,"conversation":"$conv","cseq":99}), err("v","INVALID_ARGUMENT", rid=4, skipOthers=True),
   send("v", {"type":"read","rid":5,"conversation":"$conv","cseq":2}), exp("v", {"type":"ok","rid":5}, skipOthers=True), nothing("a", 400)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-properties", ["CONV-17"], "setProperties from the visitor and from the agent appends a properties event carrying the properties set; an empty set is INVALID_ARGUMENT.",
  ASSIGN_STEPS + [send("v", {"type":"setProperties","rid":3,"conversation":"$conv","properties":[{"key":"order","value":"A1"}]}), exp("v", {"type":"ok","rid":3}, skipOthers=True),
   ev("a", {"kind":"properties","properties":[{"key":"order","value":"A1"}]}),
   send("a", {"type":"setProperties","rid":3,"conversation":"$conv","properties":[{"key":"order","value":"B2"}]}), exp("a", {"type":"ok","rid":3}, skipOthers=True),
   ev("v", {"kind":"properties","properties":[{"key":"order","value":"B2"}]}, skipOthers=True),
   send("v", {"type":"setProperties","rid":4,"conversation":"$conv"}), err("v","INVALID_ARGUMENT", rid=4)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-join-leave", ["CONV-18"], "Another agent joins as participant (joined event to the visitor) and may write; takeover by an agent is FORBIDDEN; the assigned agent cannot leave (ILLEGAL_TRANSITION); staff not joined get NOT_PARTICIPANT; the participant leaves with a left event; a supervisor (having set a routing status) takes over and becomes the assigned agent.",
  ASSIGN_STEPS + agent("b", 2, "agent2") + sup("s", "supervisor") + [
   send("b", {"type":"join","rid":2,"conversation":"$conv","mode":"participant"}), exp("b", {"type":"ok","rid":2}, skipOthers=True),
   ev("v", {"kind":"joined","sender":"$agent2"}, skipOthers=True),
   msg("b", 3, "second opinion", "b1"), exp("b", {"type":"ok","rid":3}, skipOthers=True), ev("v", {"kind":"message","text":"second opinion","sender":"$agent2"}),
   send("b", {"type":"join","rid":4,"conversation":"$conv","mode":"takeover"}), err("b","FORBIDDEN", rid=4, skipOthers=True),
   send("a", {"type":"leave","rid":3,"conversation":"$conv"}), err("a","ILLEGAL_TRANSITION", rid=3, skipOthers=True),
   send("s", {"type":"leave","rid":2,"conversation":"$conv"}), err("s","NOT_PARTICIPANT", rid=2, skipOthers=True),
   send("b", {"type":"leave","rid":5,"conversation":"$conv"}), exp("b", {"type":"ok","rid":5}, skipOthers=True),
   ev("v", {"kind":"left","sender":"$agent2"}, skipOthers=True),
   send("s", {"type":"agentStatus","rid":5,"routing":"notAccepting"}), exp("s", {"type":"ok","rid":5}, skipOthers=True),
   send("s", {"type":"join","rid":3,"conversation":"$conv","mode":"takeover"}), exp("s", {"type":"ok","rid":3}, skipOthers=True),
   send("s", {"type":"list","rid":4,"state":"active"}), exp("s", {"type":"conversations","rid":4,"conversations":[{"id":"$conv","agents":["$supervisor"]}]}, skipOthers=True)],
  needs=["agents:2","seed:supervisorToken"], cleanup=[send("s", {"type":"close","rid":90,"conversation":"$conv"})] + CLEAN)
def page(*cseqs): return [{"cseq":c} for c in cseqs]
w("conv-observers-unseen", ["CONV-39","CONV-14","CONV-15","CONV-18","CONV-31"], "Two agents join as observers after a supervisor joined as participant: the assigned agent and the participant get both observers' joined events, the visitor neither; each observer gets its own joined; the first observer is not sent the second's joined, and the second is not sent the first's among the earlier events it is sent first; the agent's next message reaches the visitor, the participant and both observers next; an observer's history page leaves out the other observer's joined while the assigned agent's holds both; the first observer's left reaches it, the agent and the participant, and not the second observer.",
  ASSIGN_STEPS + answer() + agent("b", 2, "agent2") + agent("c", 3, "agent3") + sup("s", "supervisor") + [
   send("s", {"type":"join","rid":2,"conversation":"$conv","mode":"participant"}), exp("s", {"type":"ok","rid":2}, skipOthers=True),
   ev("s", {"cseq":6,"kind":"joined","sender":"$supervisor"}, skipOthers=True), ev("v", {"cseq":6,"kind":"joined","sender":"$supervisor"}),
   ev("a", {"cseq":6,"kind":"joined","sender":"$supervisor"}),
   send("b", {"type":"join","rid":2,"conversation":"$conv","mode":"observer"}), exp("b", {"type":"ok","rid":2}, skipOthers=True),
   ev("b", {"cseq":7,"kind":"joined","sender":"$agent2"}, skipOthers=True),
   ev("a", {"cseq":7,"kind":"joined","sender":"$agent2"}), ev("s", {"cseq":7,"kind":"joined","sender":"$agent2"}),
   send("c", {"type":"join","rid":2,"conversation":"$conv","mode":"observer"}), exp("c", {"type":"ok","rid":2}, skipOthers=True),
   ev("c", {"conversation":"$conv","cseq":1,"kind":"created"}), ev("c", {"cseq":2,"kind":"queued"}), ev("c", {"cseq":3,"kind":"message"}),
   ev("c", {"cseq":4,"kind":"assigned"}), ev("c", {"cseq":5,"kind":"message"}), ev("c", {"cseq":6,"kind":"joined","sender":"$supervisor"}),
   ev("c", {"cseq":8,"kind":"joined","sender":"$agent3"}),
   ev("a", {"cseq":8,"kind":"joined","sender":"$agent3"}), ev("s", {"cseq":8,"kind":"joined","sender":"$agent3"}),
   msg("a", 4, "we are watched", "a-watched"), exp("a", {"type":"ok","rid":4}, skipOthers=True), ev("a", {"cseq":9,"kind":"message"}),
   ev("v", {"cseq":9,"kind":"message","text":"we are watched"}), ev("s", {"cseq":9,"kind":"message"}),
   ev("b", {"cseq":9,"kind":"message","text":"we are watched"}), ev("c", {"cseq":9,"kind":"message"}),
   send("b", {"type":"history","rid":3,"conversation":"$conv","direction":"forward"}),
   exp("b", {"type":"historyPage","rid":3,"events":page(1, 2, 3, 4, 5, 6, 7, 9)}),
   send("a", {"type":"history","rid":5,"conversation":"$conv","direction":"forward"}),
   exp("a", {"type":"historyPage","rid":5,"events":page(1, 2, 3, 4, 5, 6, 7, 8, 9)}),
   send("b", {"type":"leave","rid":4,"conversation":"$conv"}), exp("b", {"type":"ok","rid":4}, skipOthers=True),
   ev("b", {"cseq":10,"kind":"left","sender":"$agent2"}),
   ev("a", {"cseq":10,"kind":"left","sender":"$agent2"}), ev("s", {"cseq":10,"kind":"left","sender":"$agent2"}),
   msg("a", 6, "still watched", "a-still"), exp("a", {"type":"ok","rid":6}, skipOthers=True),
   ev("c", {"cseq":11,"kind":"message","text":"still watched"}), ev("v", {"cseq":11,"kind":"message"})],
  needs=["agents:3","seed:supervisorToken"], cleanup=CLEAN)
w("conv-invite", ["CONV-20","CONV-21"], "An agent invites a connected visitor, who receives the invitation; another visitor answering is INVITATION_NOT_FOUND, an unknown visitor VISITOR_NOT_ON_SITE; accepting creates a conversation assigned to the agent with the invitation text as its first message and tells the agent; answering twice is INVITATION_NOT_FOUND; declining tells the agent.",
  agent("a", 1, "agent1") + accept("a", 2) + visitor("v", "visitorUser") + visitor("w") + [
   send("a", {"type":"invite","rid":3,"visitor":"nobody-on-this-site"}), err("a","VISITOR_NOT_ON_SITE", rid=3),
   send("a", {"type":"invite","rid":4,"visitor":"$visitorUser","text":"Can I help?"}), exp("a", {"type":"ok","rid":4,"invitation":"$capture:inv"}),
   exp("v", {"type":"invitation","invitation":"$inv","agent":"$agent1","text":"Can I help?"}),
   send("w", {"type":"answerInvitation","rid":2,"invitation":"$inv","accept":True}), err("w","INVITATION_NOT_FOUND", rid=2),
   send("v", {"type":"answerInvitation","rid":2,"invitation":"$inv","accept":True}), exp("v", {"type":"ok","rid":2,"conversation":"$capture:conv"}, skipOthers=True),
   exp("a", {"type":"invitationAnswered","invitation":"$inv","visitor":"$visitorUser","accepted":True,"conversation":"$conv"}, skipOthers=True),
   ev("v", {"conversation":"$conv","kind":"message","text":"Can I help?","sender":"$agent1"}, skipOthers=True),
   send("v", {"type":"answerInvitation","rid":3,"invitation":"$inv","accept":True}), err("v","INVITATION_NOT_FOUND", rid=3, skipOthers=True),
   send("a", {"type":"invite","rid":5,"visitor":"$visitorUser","text":"Anything else?"}), exp("a", {"type":"ok","rid":5,"invitation":"$capture:inv2"}, skipOthers=True),
   exp("v", {"type":"invitation","invitation":"$inv2"}, skipOthers=True),
   send("v", {"type":"answerInvitation","rid":4,"invitation":"$inv2","accept":False}), exp("v", {"type":"ok","rid":4}, skipOthers=True),
   exp("a", {"type":"invitationAnswered","invitation":"$inv2","accepted":False}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-invite-withdrawn", ["CONV-21","CONV-20"], "A visitor who leaves the site (disconnected past the announced presenceGraceMs, while their session is still resumable: the presence alone withdraws it, within 1.8 s of the grace) withdraws the pending invitation: the agent is told it was declined, and the visitor, back with the same identity, gets INVITATION_NOT_FOUND when accepting it.",
  agent("a", 1, "agent1", ["presenceGraceMs","resumeWindowMs"]) + accept("a", 2) + [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"identity":{"user":"$capture:visitorUser"},"sessionToken":"$capture:vtoken"}),
   send("a", {"type":"invite","rid":3,"visitor":"$visitorUser","text":"Need help?"}), exp("a", {"type":"ok","rid":3,"invitation":"$capture:inv"}),
   exp("v", {"type":"invitation","invitation":"$inv"}, skipOthers=True), assume("$resumeWindowMs-$presenceGraceMs-2000", "needs resumeWindowMs at least 2 s above presenceGraceMs (the session must outlive the presence)"),
   {"client":"v","disconnect":{}}, adv("$presenceGraceMs+800"),
   exp("a", {"type":"invitationAnswered","invitation":"$inv","visitor":"$visitorUser","accepted":False}, skipOthers=True, withinMs=1000),
   conn("w"), hello("w", auth={"scheme":"session","credential":"$vtoken"}), exp("w", {"type":"welcome","rid":1,"identity":{"user":"$visitorUser"}}),
   send("w", {"type":"answerInvitation","rid":2,"invitation":"$inv","accept":True}), err("w","INVITATION_NOT_FOUND", rid=2, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN[1:])
w("conv-metrics", ["CONV-26"], "The transcript's metrics after an answered and closed conversation: no transfers, a queue wait, a first response and a duration (plausible values: under 10 s each; their exactness to the server's clock is not observable).",
  ASSIGN_STEPS + [msg("a", 3, "hi there", "a1"), exp("a", {"type":"ok","rid":3}, skipOthers=True)] + close("a", 4) + [
   send("a", {"type":"transcript","rid":5,"conversation":"$conv"}),
   exp("a", {"type":"transcriptResult","rid":5,"metrics":{"transfers":0,"queueWaitMs":"$range:0..10000","firstResponseMs":"$range:0..10000","durationMs":"$range:0..10000"}}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("route-status-choices", ["ROUTE-6"], "An agent sets accepting and notAccepting; offline is the server's to set (INVALID_ARGUMENT from a client).",
  agent("a", 1, "agent1") + accept("a", 2) + stop("a", 3) + [send("a", {"type":"agentStatus","rid":4,"routing":"offline"}), err("a","INVALID_ARGUMENT", rid=4)],
  needs=["agents:1"])
w("route-priority", ["ROUTE-3"], "With the only agent busy, a conversation of priority 5 goes in front of an earlier one of priority 0 and is assigned first when the agent is freed.",
  BUSY + visitor("w") + create("w", 2, "low", "conv2") + [exp("w", {"type":"queuePosition","conversation":"$conv2","position":1}, skipOthers=True)]
  + visitor("x") + create("x", 2, "high", "conv3", priority=5) + [exp("x", {"type":"queuePosition","conversation":"$conv3","position":1}, skipOthers=True),
   exp("w", {"type":"queuePosition","conversation":"$conv2","position":2}, skipOthers=True, withinMs=3000)] + close("v", 3) + [
   ev("a", {"conversation":"$conv3","kind":"assigned","agent":"$agent1"}, skipOthers=True)],
  needs=["agents:1"], cleanup=[send("x", {"type":"close","rid":90,"conversation":"$conv3"}), send("w", {"type":"close","rid":90,"conversation":"$conv2"})] + BUSY_CLEAN)
w("route-least-loaded", ["ROUTE-4"], "Two agents accept (the first one earlier): the first conversation goes to the longest idle, the second to the less loaded, the third (equal loads) to the one whose last assignment is older.",
  agent("a", 1, "agent1") + agent("b", 2, "agent2") + accept("a", 2) + [adv(50)] + accept("b", 2) +
  visitor("v1") + create("v1", 2, "one", "c1") + [ev("a", {"conversation":"$c1","kind":"assigned","agent":"$agent1"}, skipOthers=True)] +
  visitor("v2") + create("v2", 2, "two", "c2") + [ev("b", {"conversation":"$c2","kind":"assigned","agent":"$agent2"}, skipOthers=True)] +
  visitor("v3") + create("v3", 2, "three", "c3") + [ev("a", {"conversation":"$c3","kind":"assigned","agent":"$agent1"}, skipOthers=True)],
  needs=["agents:2"], cleanup=[send("v1", {"type":"close","rid":90,"conversation":"$c1"}), send("v2", {"type":"close","rid":90,"conversation":"$c2"}), send("v3", {"type":"close","rid":90,"conversation":"$c3"}),
   send("b", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("b", {"type":"ok","rid":91}, skipOthers=True)] + BUSY_CLEAN)
w("route-tags", ["ROUTE-13"], "The suite's agents have no skills: a conversation tagged with a skill waits queued and is not assigned to them, while one without tags is.",
  agent("a", 1, "agent1") + accept("a", 2) + visitor("v") + create("v", 2, "tagged", "conv", tags=["conformance-no-such-skill"]) + [
   ev("v", {"cseq":2,"kind":"queued"}, skipOthers=True), nothing("a", 500)] + visitor("w") + create("w", 2, "plain", "conv2") + [
   ev("a", {"conversation":"$conv2","kind":"assigned","agent":"$agent1"}, skipOthers=True)],
  needs=["agents:1"], cleanup=[send("w", {"type":"close","rid":90,"conversation":"$conv2"})] + CLEAN)
w("route-answer-timeout", ["ROUTE-9"], "An assigned agent who does not write within the announced answerTimeoutMs loses the conversation: nothing 600 ms before the timeout; rerouted naming them within 400 ms after it, then assigned to the other accepting agent (never back to them). Clients ping while they wait.",
  assign_steps(["answerTimeoutMs"]) + [assume("$answerTimeoutMs-1", "needs an answer timeout (0 means never)")] + agent("b", 2, "agent2") + accept("b", 2) + [
   adv("$answerTimeoutMs-600"), nothing("v", 50),
   ev("v", {"kind":"rerouted","agent":"$agent1"}, skipOthers=True, withinMs=1000), ev("v", {"kind":"assigned","agent":"$agent2"}, skipOthers=True)],
  needs=["agents:2"], cleanup=[send("b", {"type":"agentStatus","rid":91,"routing":"notAccepting"})] + CLEAN)
w("route-answered-stays", ["ROUTE-9"], "An assigned agent who writes before the announced answerTimeoutMs keeps the conversation: no rerouted event a second after the timeout would have fired.",
  assign_steps(["answerTimeoutMs"]) + [assume("$answerTimeoutMs-1", "needs an answer timeout (0 means never)"),
   msg("a", 3, "Hello, let me look", "a1"), exp("a", {"type":"ok","rid":3}, skipOthers=True), adv("$answerTimeoutMs+1000"),
   ev("v", {"kind":"message","text":"Hello, let me look"}, skipOthers=True), nothing("v", 300)],
  needs=["agents:1"], cleanup=CLEAN)
w("route-disconnect-grace", ["ROUTE-10","ROUTE-6","ROUTE-4"], "An assigned agent who disconnects gets no new conversation, though they are accepting and the least loaded (one conversation against the other agent's two): the new one goes to the other agent. Their own conversation stays theirs until the announced disconnectGraceMs ends (nothing 700 ms before) and is then re-routed (within 1.7 s) to the other agent.",
  assign_steps(["disconnectGraceMs"]) + answer() + stop("a", 5) + agent("b", 2, "agent2") + accept("b", 2, maxConcurrent=5) +
  visitor("x") + create("x", 2, "first of two", "convx") + [ev("b", {"conversation":"$convx","kind":"assigned","agent":"$agent2"}, skipOthers=True)] +
  visitor("y") + create("y", 2, "second of two", "convy") + [ev("b", {"conversation":"$convy","kind":"assigned","agent":"$agent2"}, skipOthers=True)] +
  accept("a", 6) + [{"client":"a","disconnect":{}}] + visitor("w") + create("w", 2, "third", "conv2") + [
   ev("b", {"conversation":"$conv2","kind":"assigned","agent":"$agent2"}, skipOthers=True), adv("$disconnectGraceMs-700"), nothing("v", 50),
   ev("v", {"kind":"rerouted","agent":"$agent1"}, skipOthers=True, withinMs=1700), ev("v", {"kind":"assigned","agent":"$agent2"}, skipOthers=True)],
  needs=["agents:2"], cleanup=[send(c, {"type":"close","rid":90,"conversation":f"${k}"}) for c, k in (("w","conv2"),("x","convx"),("y","convy"),("v","conv"))] +
   [send("b", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("b", {"type":"ok","rid":91}, skipOthers=True)])
w("route-reconnect-in-grace", ["ROUTE-10"], "An assigned agent who drops and reconnects before the announced disconnectGraceMs ends keeps their conversation: no rerouted event a second after the grace would have ended, and their message still reaches the visitor.",
  assign_steps(["disconnectGraceMs"]) + answer() + [{"client":"a","disconnect":{}}, adv("$disconnectGraceMs-800")] + [
   conn("a"), hello("a", auth={"scheme":"token","credential":"$agentToken1"}), exp("a", {"type":"welcome","rid":1}),
   adv(1800), nothing("v", 300), msg("a", 4, "Still here", "a1"), exp("a", {"type":"ok","rid":4}, skipOthers=True),
   ev("v", {"kind":"message","text":"Still here"}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)

# ---------- more typing ----------
w("typing-throttle", ["TYPE-5","TYPE-10"], "A repeated start within the throttle (default 2 s) is absorbed: nothing is sent. A second identity typing joins the set after the first, each once (seen by a third, a participant agent).",
  ASSIGN_STEPS + agent("b", 2, "agent2") + [send("b", {"type":"join","rid":2,"conversation":"$conv","mode":"participant"}), exp("b", {"type":"ok","rid":2}, skipOthers=True),
   typing("v"), exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser","role":"visitor"}]}, skipOthers=True),
   typing("v"), nothing("a", 500, type="typers"), typing("a"),
   exp("b", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser","role":"visitor"},{"user":"$agent1","role":"agent"}]}, skipOthers=True)],
  needs=["agents:2"], cleanup=CLEAN)
w("typing-refresh", ["TYPE-6"], "A repeated start past the announced typingThrottleMs (300 ms past it, before typingRefreshMs) is accepted but the unchanged set is not re-sent; a further start a throttle later, once the last typers message is older than typingRefreshMs, re-sends it.",
  assign_steps(["typingThrottleMs","typingRefreshMs"]) + answer() + [
   assume("$typingRefreshMs-$typingThrottleMs-400", "needs typingRefreshMs at least 400 ms above typingThrottleMs"),
   assume("$typingThrottleMs+$typingThrottleMs+500-$typingRefreshMs", "needs typingRefreshMs below twice typingThrottleMs + 500"),
   typing("v"), exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser"}]}), adv("$typingThrottleMs+300"),
   typing("v"), nothing("a", 300, type="typers"), adv("$typingThrottleMs"), typing("v"),
   exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser"}]}, withinMs=1000)],
  needs=["agents:1"], cleanup=CLEAN)
w("typing-preview-off", ["TYPE-11"], "Previews are off by default: a visitor's preview is PREVIEW_NOT_ENABLED (no rid, messageType 28) and discarded, while the typing itself reaches the agent without preview.",
  ASSIGN_STEPS + [typing("v", preview="secret draft"), err("v","PREVIEW_NOT_ENABLED", messageType=28),
   exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser","preview":"$absent"}]})],
  needs=["agents:1"], cleanup=CLEAN)
w("typing-ends-on-close", ["TYPE-15"], "When the conversation closes, the agent who was shown the visitor typing gets the empty set.",
  ASSIGN_STEPS + [typing("v"), exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser"}]})] + close("v", 3) + [
   exp("a", {"type":"typers","conversation":"$conv","typers":"$absent"}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)

# ---------- more presence ----------
def subscribed(c, rid, topic, first=None):
    st=[send(c, {"type":"subscribe","rid":rid,"topic":topic})]
    if first: st.append(exp(c, first, skipOthers=True))
    return st + [exp(c, {"type":"ok","rid":rid}, skipOthers=True)]
w("presence-aggregate", ["PRES-2","PRES-4"], "An agent with two connections is online while one is; away once both are; when the online one closes, the aggregate is recomputed from the one left (away). Updates checked within 3 s.",
  agent("a", 1, "agent1") + [conn("a2"), hello("a2", auth={"scheme":"token","credential":"$agentToken1"}), exp("a2", {"type":"welcome","rid":1})] + agent("b", 2, "agent2") +
  subscribed("b", 2, "presence:user:$agent1", {"type":"presence","user":"$agent1","status":"online"}) + [
   send("a", {"type":"setPresence","rid":2,"status":"away"}), exp("a", {"type":"ok","rid":2}), nothing("b", 1000, type="presence"),
   send("a2", {"type":"setPresence","rid":2,"status":"away"}), exp("a2", {"type":"ok","rid":2}), exp("b", {"type":"presence","user":"$agent1","status":"away"}, withinMs=3000),
   send("a2", {"type":"setPresence","rid":3,"status":"online"}), exp("a2", {"type":"ok","rid":3}), exp("b", {"type":"presence","user":"$agent1","status":"online"}, withinMs=3000),
   {"client":"a2","disconnect":{}}, exp("b", {"type":"presence","user":"$agent1","status":"away"}, withinMs=3000)],
  needs=["agents:2"])
w("presence-manual-away", ["PRES-9"], "A visitor who set away stays away whatever their activity, until they set online.",
  visitor("v", "visitorUser") + agent("a", 1, "agent1") + subscribed("a", 2, "presence:user:$visitorUser", {"type":"presence","user":"$visitorUser","status":"online"}) + [
   send("v", {"type":"setPresence","rid":2,"status":"away"}), exp("v", {"type":"ok","rid":2}), exp("a", {"type":"presence","user":"$visitorUser","status":"away"}, withinMs=3000),
   send("v", {"type":"activity"}), nothing("a", 1000, type="presence"),
   send("v", {"type":"setPresence","rid":3,"status":"online"}), exp("v", {"type":"ok","rid":3}), exp("a", {"type":"presence","user":"$visitorUser","status":"online"}, withinMs=3000)],
  needs=["agents:1"])
w("presence-reconnect-in-grace", ["PRES-6","PRES-14"], "A visitor who drops and reconnects 800 ms before the announced presenceGraceMs ends does not flap: subscribers get nothing, and onSiteSince is kept.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"sessionToken":"$capture:visitor","identity":{"user":"$capture:visitorUser"}} | caps("presenceGraceMs"))] + agent("a", 1, "agent1") +
  subscribed("a", 2, "presence:user:$visitorUser", {"type":"presence","user":"$visitorUser","status":"online","onSiteSince":"$capture:since"}) + [
   {"client":"v","disconnect":{}}, adv("$presenceGraceMs-800"), conn("v"), hello("v", auth={"scheme":"session","credential":"$visitor"}), exp("v", {"type":"welcome","rid":1,"identity":{"user":"$visitorUser"}}),
   nothing("a", 1500, type="presence")] + agent("b", 2, "agent2") +
  subscribed("b", 2, "presence:user:$visitorUser", {"type":"presence","user":"$visitorUser","status":"online","onSiteSince":"$since"}),
  needs=["agents:2"])
w("presence-offline-after-grace", ["PRES-7","PRES-11"], "A visitor gone longer than the announced presenceGraceMs becomes offline with lastSeen (nothing 400 ms before the grace ends; offline within 2 s of it, coalescing included); connecting again starts afresh: online, without the page reported before.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"sessionToken":"$capture:visitor","identity":{"user":"$capture:visitorUser"}} | caps("presenceGraceMs"))] + agent("a", 1, "agent1") +
  subscribed("a", 2, "presence:user:$visitorUser", {"type":"presence","user":"$visitorUser","status":"online"}) + [
   send("v", {"type":"setPresence","rid":2,"status":"online","page":{"url":"https://shop.example/a"}}), exp("v", {"type":"ok","rid":2}),
   exp("a", {"type":"presence","user":"$visitorUser","page":{"url":"https://shop.example/a"}}, withinMs=3000),
   {"client":"v","disconnect":{}}, adv("$presenceGraceMs-400"), nothing("a", 50, type="presence"),
   exp("a", {"type":"presence","user":"$visitorUser","status":"offline","lastSeen":"$any"}, withinMs=2000),
   conn("v"), hello("v", auth={"scheme":"session","credential":"$visitor"}), exp("v", {"type":"welcome","rid":1}),
   exp("a", {"type":"presence","user":"$visitorUser","status":"online","page":"$absent","onSiteSince":"$any"}, withinMs=3000)],
  needs=["agents:1"])
w("presence-visitor-sees-assigned-agent", ["PRES-20"], "A visitor may subscribe to presence:user:<agent> only while that agent is assigned to them (PRESENCE_FORBIDDEN before), and sees user, role and status only: no text, no routing.",
  agent("a", 1, "agent1") + [send("a", {"type":"setPresence","rid":2,"status":"online","text":"back at 3"}), exp("a", {"type":"ok","rid":2})] + accept("a", 3) +
  visitor("v", "visitorUser") + [send("v", {"type":"subscribe","rid":2,"topic":"presence:user:$agent1"}), err("v","PRESENCE_FORBIDDEN", rid=2)] +
  create("v", 3, "hello") + [ev("a", {"conversation":"$conv","kind":"assigned","agent":"$agent1"}, skipOthers=True)] +
  subscribed("v", 4, "presence:user:$agent1", {"type":"presence","user":"$agent1","role":"agent","status":"online","text":"$absent","routing":"$absent"}),
  needs=["agents:1"], cleanup=CLEAN)

# ---------- more session ----------
burst=[msg("v", 3+i, f"message {i}", f"b{i}") for i in range(11)]
w("session-check-order", ["SESSION-13"], "Arguments are checked before the rate: once the message burst is spent (11 sends), a send with empty text is INVALID_ARGUMENT (not RATE_LIMITED) and a valid one RATE_LIMITED.",
  visitor("v") + create("v", 2, "hi") + [exp("v", {"type":"event","seq":3}, skipOthers=True)] + burst + [err("v","RATE_LIMITED", rid="$any", retryAfterMs="$any", skipOthers=True),
   send("v", {"type":"send","rid":30,"conversation":"$conv","clientMessageId":"e1","text":""}), err("v","INVALID_ARGUMENT", rid=30, skipOthers=True),
   msg("v", 31, "one more", "e2"), err("v","RATE_LIMITED", rid=31, retryAfterMs="$any", skipOthers=True)],
  cleanup=close("v", 90))
w("session-resend-after-resume", ["SESSION-19"], "Commands re-sent after resuming, with the same rid and content, whose results went to the dropped connection, get those results again (the original ok, not a duplicate answer) and are not executed twice: a send, and a create without clientMessageId (one conversation, not two).",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"resumeToken":"$capture:token","sessionToken":"$capture:visitor"})] + create("v", 2, "first") + [
   exp("v", {"type":"event","seq":3}, skipOthers=True), msg("v", 3, "again?", "s1"), exp("v", {"type":"ok","rid":3,"cseq":"$capture:cseq"}), exp("v", {"type":"event","seq":4}),
   {"client":"v","disconnect":{}}, adv(200), conn("v"), hello("v", rid=4, auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":4}),
   exp("v", {"type":"welcome","rid":4,"resume":{"status":"resumed"}}), msg("v", 3, "again?", "s1"), exp("v", {"type":"ok","rid":3,"cseq":"$cseq","duplicate":"$absent"}),
   send("v", {"type":"create","rid":2,"text":"first"}), exp("v", {"type":"ok","rid":2,"conversation":"$conv"}), nothing("v", 300),
   send("v", {"type":"history","rid":5,"conversation":"$conv","direction":"forward"}), exp("v", {"type":"historyPage","rid":5,"events":[{"cseq":1},{"cseq":2},{"cseq":3},{"cseq":4}]}),
   send("v", {"type":"list","rid":6}), exp("v", {"type":"conversations","rid":6,"conversations":[{"id":"$conv"}]})],
  cleanup=close("v", 90))
w("session-failed-retry", ["SESSION-25"], "A command that failed had no effect and is forgotten: the same clientMessageId and content, refused once (NOT_PARTICIPANT), executes anew (no duplicate flag) once allowed. (An original still in progress is not observable on a server that answers at once.)",
  ASSIGN_STEPS + agent("b", 2, "agent2") + [msg("b", 2, "jumping in", "b1"), err("b","NOT_PARTICIPANT", rid=2),
   send("b", {"type":"join","rid":3,"conversation":"$conv","mode":"participant"}), exp("b", {"type":"ok","rid":3}, skipOthers=True),
   msg("b", 4, "jumping in", "b1"), exp("b", {"type":"ok","rid":4,"duplicate":"$absent"}, skipOthers=True), ev("v", {"kind":"message","text":"jumping in"}, skipOthers=True)],
  needs=["agents:2"], cleanup=CLEAN)
w("session-subscription-limit", ["SESSION-31"], "Exactly the announced maxSubscriptions distinct topics can be held; one more is TOO_MANY_SUBSCRIPTIONS; re-subscribing a held topic is not counted again and succeeds.",
  [conn("a"), hello("a", auth={"scheme":"token","credential":"$agentToken1"}), exp("a", {"type":"welcome","rid":1} | caps("maxSubscriptions"))] + [
   repeat("$maxSubscriptions", [send("a", {"type":"subscribe","rid":"$i","topic":"presence:user:conformance-nobody-$i"}), exp("a", {"type":"ok","rid":"$i"}, skipOthers=True)]),
   send("a", {"type":"subscribe","rid":5000,"topic":"presence:user:conformance-nobody-0"}), err("a","TOO_MANY_SUBSCRIPTIONS", rid=5000, skipOthers=True),
   send("a", {"type":"subscribe","rid":5001,"topic":"presence:user:conformance-nobody-1"}), exp("a", {"type":"ok","rid":5001}, skipOthers=True)],
  needs=["agents:1"])

# ---------- compression on the byte stream ----------
def zframe(payload, data=None):
    data = data if data is not None else zlib.compress(payload)
    return "0101" + varint(len(data)) + data.hex()
def varint(n):
    out=b""
    while True:
        low=n & 0x7f; n >>= 7
        out += bytes([low | (0x80 if n else 0)])
        if not n: return out.hex()
PING7=bytes.fromhex("030807")
good=zlib.compress(PING7)
badsum=good[:-1]+bytes([good[-1]^0xff])
co=zlib.compressobj(zdict=b"parley"); withdict=co.compress(PING7)+co.flush()
bomb=zlib.compress(bytes.fromhex("0308")+b"\x00"*70000, 9)
CWELCOME={"type":"welcome","rid":1,"compression":{"enabled":True,"threshold":"$any"}}
w("compression-frames", ["COMP-1","COMP-2","COMP-6"], "Once the welcome announces compression (servers without it skip this check), a MESSAGE frame with flag 0x01 holding one zlib stream is inflated (a compressed ping is answered); a bad Adler-32, a preset dictionary or bytes after the stream are DECOMPRESSION_FAILED, and a stream inflating past limits.maxMessage is MESSAGE_TOO_LARGE, all fatal.",
  [conn("v"), raw("v", HELLO_FRAME), exp("v", CWELCOME, orSkip=True), raw("v", zframe(PING7)), exp("v", {"type":"pong","nonce":7}),
   conn("b"), raw("b", HELLO_FRAME), exp("b", CWELCOME), raw("b", zframe(PING7, badsum)), err("b","DECOMPRESSION_FAILED"), closed("b","DECOMPRESSION_FAILED"),
   conn("c"), raw("c", HELLO_FRAME), exp("c", CWELCOME), raw("c", zframe(PING7, withdict)), err("c","DECOMPRESSION_FAILED"), closed("c","DECOMPRESSION_FAILED"),
   conn("d"), raw("d", HELLO_FRAME), exp("d", CWELCOME), raw("d", zframe(PING7, good+b"\x00")), err("d","DECOMPRESSION_FAILED"), closed("d","DECOMPRESSION_FAILED"),
   conn("e"), raw("e", HELLO_FRAME), exp("e", CWELCOME | {"limits":{"maxMessage":"$range:1..69999"}}), raw("e", zframe(None, bomb)), err("e","MESSAGE_TOO_LARGE"), closed("e","MESSAGE_TOO_LARGE")],
  needs=["binding:stream"])

# ---------- WebSocket handshake and close ----------
def upgrade(protocols, extensions=(), response=None, orSkip=False, origin=None):
    req={}
    if protocols is not None: req["protocols"]=protocols
    if extensions: req["extensions"]=list(extensions)
    if origin: req["origin"]=origin
    d={"upgrade":req,"response":response or {}}
    if orSkip: d["orSkip"]=True
    return d
JS="parley.v1.json"
w("websocket-subprotocols", ["WS-1"], "The upgrade offering both subprotocols is accepted (101) with one of them; offering only parley.v1.binary selects it; offering neither, or none at all, is refused with HTTP 400.",
  [upgrade("parley.v1.json, parley.v1.binary", response={"status":101,"protocol":"$any"}),
   upgrade("parley.v1.binary", response={"status":101,"protocol":"parley.v1.binary"}),
   upgrade("chat.v2", response={"status":400}), upgrade(None, response={"status":400})], needs=["binding:websocket"])
PMD="permessage-deflate"
w("websocket-deflate-negotiation", ["COMP-10","COMP-11","COMP-12","COMP-13"], "permessage-deflate answers (servers declining a plain offer skip this check): one element; no window parameters unless offered; server_max_window_bits=10 answered with at most 10; no_context_takeover offered is answered; offers read across several header fields with quoted values; an unparsable field accepts no extension but the handshake succeeds.",
  [upgrade(JS, [PMD], {"status":101,"extensions":[{"name":PMD,"server_max_window_bits":"$absent","client_max_window_bits":"$absent"}]}, orSkip=True),
   upgrade(JS, [PMD+"; server_max_window_bits=10"], {"status":101,"extensions":[{"name":PMD,"server_max_window_bits":"$range:8..10","client_max_window_bits":"$absent"}]}),
   upgrade(JS, [PMD+"; client_max_window_bits=12"], {"status":101,"extensions":[{"name":PMD,"server_max_window_bits":"$absent"}]}),
   upgrade(JS, [PMD+"; client_no_context_takeover; server_no_context_takeover"], {"status":101,"extensions":[{"name":PMD,"client_no_context_takeover":True,"server_no_context_takeover":True}]}),
   upgrade(JS, ["x-webkit-unknown", PMD+"; server_max_window_bits=\"11\""], {"status":101,"extensions":[{"name":PMD,"server_max_window_bits":"$range:8..11"}]}),
   upgrade(JS, [PMD+"; ;;==,,\""], {"status":101,"protocol":JS,"extensions":"$absent"})], needs=["binding:websocket"])
w("websocket-deflate-no-context-takeover", ["COMP-23"], "An accepted plain permessage-deflate offer is answered with server_no_context_takeover and client_no_context_takeover, so an idle connection holds no compression state (servers declining a plain offer skip this check).",
  [upgrade(JS, [PMD], {"status":101,"extensions":[{"name":PMD}]}, orSkip=True),
   upgrade(JS, [PMD], {"status":101,"extensions":[{"name":PMD,"server_no_context_takeover":True,"client_no_context_takeover":True}]})], needs=["binding:websocket"])
w("websocket-deflate-declined-offers", ["COMP-14"], "Offers with an undefined parameter, a parameter twice, a valued no_context_takeover, a valueless server_max_window_bits, or a window value with a leading zero or outside 8-15 are declined; the next acceptable offer is taken (servers declining a plain offer skip this check).",
  [upgrade(JS, [PMD], {"status":101,"extensions":[{"name":PMD}]}, orSkip=True),
   upgrade(JS, [PMD+"; mystery=1, "+PMD+"; server_max_window_bits=9"], {"status":101,"extensions":[{"name":PMD,"server_max_window_bits":"$range:8..9"}]}),
   upgrade(JS, [PMD+"; server_max_window_bits=10; server_max_window_bits=10"], {"status":101,"extensions":"$absent"}),
   upgrade(JS, [PMD+"; server_no_context_takeover=1"], {"status":101,"extensions":"$absent"}),
   upgrade(JS, [PMD+"; client_no_context_takeover=true"], {"status":101,"extensions":"$absent"}),
   upgrade(JS, [PMD+"; server_max_window_bits"], {"status":101,"extensions":"$absent"}),
   upgrade(JS, [PMD+"; server_max_window_bits=09"], {"status":101,"extensions":"$absent"}),
   upgrade(JS, [PMD+"; server_max_window_bits=16"], {"status":101,"extensions":"$absent"}),
   upgrade(JS, [PMD+"; client_max_window_bits=7"], {"status":101,"extensions":"$absent"})], needs=["binding:websocket"])
w("websocket-origin", ["WS-6"], "An upgrade whose Origin is a foreign site's page is refused with 403; the same upgrade without an Origin (not a browser) is accepted with 101.",
  [upgrade(JS, origin="https://conformance-foreign-site.example", response={"status":403}), upgrade(JS, response={"status":101,"protocol":JS})], needs=["binding:websocket"])
def wsclosed(c, code, status): return {"client":c,"expectClosed":{"code":code,"webSocketStatus":status}}
w("websocket-message-too-large", ["WS-3","WS-4"], "A text message over limits.maxMessage (70000 bytes) is MESSAGE_TOO_LARGE: an error message, then a close with status 1008.",
  [conn("b"), hello("b"), exp("b", {"type":"welcome","rid":1,"limits":{"maxMessage":"$range:1..69999"}}),
   text("b", '{"type":"ping","nonce":1,"pad":"'+"x"*70000+'"}'), err("b","MESSAGE_TOO_LARGE"), wsclosed("b","MESSAGE_TOO_LARGE",1008)],
  needs=["binding:json","binding:websocket"])
w("websocket-close-status-json", ["WS-4"], "A fatal error is an error message, then a WebSocket close with status 1008 (invalid JSON: INVALID_JSON); after a goodbye the close status is 1000, and 1000 for a connection whose session another connection resumed (SESSION_REPLACED).",
  [conn("a"), text("a", "{"), err("a","INVALID_JSON"), wsclosed("a","INVALID_JSON",1008),
   conn("c"), hello("c"), exp("c", {"type":"welcome","rid":1}), send("c", {"type":"goodbye","code":"GOING_AWAY"}), {"client":"c","expectClosed":{"webSocketStatus":1000}},
   conn("r"), hello("r"), exp("r", {"type":"welcome","rid":1,"resumeToken":"$capture:replacedToken","sessionToken":"$capture:replaced"}),
   conn("s"), hello("s", auth={"scheme":"session","credential":"$replaced"}, resume={"token":"$replacedToken","lastSeq":0}),
   exp("s", {"type":"welcome","rid":1,"resume":{"status":"resumed"}}), wsclosed("r","SESSION_REPLACED",1000)],
  needs=["binding:json","binding:websocket"])
w("websocket-close-status-binary", ["WS-4"], "Under parley.v1.binary a fatal error (a ping without its nonce: MISSING_FIELD) is an error message, then a WebSocket close with status 1008.",
  [conn("a"), payload("a","03"), err("a","MISSING_FIELD"), wsclosed("a","MISSING_FIELD",1008)], needs=["binding:binary","binding:websocket"])

# ---------- abuse from one place (Spec/abuse.md) ----------
# The per-address limits on connections, hellos and anonymous visitors (ABUSE-2…4) are not
# checked here: exhausting them from the suite's one address would refuse its later checks.
VTOKEN=[conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"identity":{"user":"$capture:visitorUser"},"sessionToken":"$capture:visitor"})]
w("abuse-block-permissions", ["ABUSE-8","ABUSE-11","ABUSE-12"], "Only staff who see one of the visitor's conversations block them: another visitor gets FORBIDDEN, an agent naming a visitor it sees no conversation of VISITOR_NOT_FOUND, an empty reason INVALID_ARGUMENT; unblock and listBlocks are for supervisors (agents: FORBIDDEN); a supervisor lists the blocks and unblocking a visitor with none in force is BLOCK_NOT_FOUND.",
  agent("a", 1, "agent1") + VTOKEN + create("v", 2, "hello") + visitor("w") + [
   send("w", {"type":"block","rid":2,"visitor":"$visitorUser","durationMs":60000,"reason":"spam"}), err("w","FORBIDDEN", rid=2, skipOthers=True),
   send("a", {"type":"block","rid":2,"visitor":"conformance-no-such-visitor","durationMs":60000,"reason":"spam"}), err("a","VISITOR_NOT_FOUND", rid=2, skipOthers=True),
   send("a", {"type":"block","rid":3,"visitor":"$visitorUser","durationMs":60000,"reason":""}), err("a","INVALID_ARGUMENT", rid=3, skipOthers=True),
   send("a", {"type":"unblock","rid":4,"visitor":"$visitorUser"}), err("a","FORBIDDEN", rid=4, skipOthers=True),
   send("a", {"type":"listBlocks","rid":5}), err("a","FORBIDDEN", rid=5, skipOthers=True)] + sup("s", "sup") + [
   send("s", {"type":"listBlocks","rid":2}), exp("s", {"type":"blocks","rid":2}, skipOthers=True),
   send("s", {"type":"unblock","rid":3,"visitor":"$visitorUser"}), err("s","BLOCK_NOT_FOUND", rid=3, skipOthers=True)],
  needs=["agents:1","seed:supervisorToken"], cleanup=close("v", 90))
w("conv-erase-visitor", ["CONV-37","STORE-8","CONV-30"], "A supervisor erases a visitor's data (a privacy request): an agent's eraseVisitor is FORBIDDEN; the supervisor's result erased lists the visitor's conversation and counts its events (created, queued or offline, the message, perhaps an assignment); the conversation is gone: the supervisor's history of it is CONVERSATION_NOT_FOUND and the visitor's list is empty; erasing the visitor again is erased with no conversation and 0 events.",
  VTOKEN + create("v", 2, "please forget me") + [exp("v", {"type":"event","event":{"conversation":"$conv","kind":"message"}}, skipOthers=True)]
  + agent("a", 1, "agent1") + [
   send("a", {"type":"eraseVisitor","rid":2,"visitor":"$visitorUser"}), err("a","FORBIDDEN", rid=2, skipOthers=True)] + sup("s", "sup") + [
   send("s", {"type":"eraseVisitor","rid":2,"visitor":"$visitorUser"}),
   exp("s", {"type":"erased","rid":2,"conversations":["$conv"],"events":"$range:3..4"}, skipOthers=True),
   send("s", {"type":"history","rid":3,"conversation":"$conv"}), err("s","CONVERSATION_NOT_FOUND", rid=3, skipOthers=True),
   send("v", {"type":"list","rid":3}), exp("v", {"type":"conversations","rid":3,"conversations":"$absent"}, skipOthers=True),
   send("s", {"type":"eraseVisitor","rid":4,"visitor":"$visitorUser"}),
   exp("s", {"type":"erased","rid":4,"conversations":"$absent","events":0}, skipOthers=True)],
  needs=["agents:1","seed:supervisorToken"])
w("abuse-block-closes-and-refuses", ["ABUSE-9","ABUSE-10","ABUSE-11"], "An agent blocks the visitor of its conversation: the conversation closes with closeReason blocked for both, the visitor's connection gets BLOCKED and closes, the visitor's session token is then refused with BLOCKED and a retryAfterMs; once a supervisor unblocks, the same token is welcomed.",
  agent("a", 1, "agent1") + accept("a", 2) + VTOKEN + create("v", 2, "hello") + [
   ev("a", {"conversation":"$conv","kind":"assigned","agent":"$agent1"}, skipOthers=True),
   send("a", {"type":"block","rid":3,"visitor":"$visitorUser","durationMs":600000,"reason":"abusive language"}),
   ev("a", {"conversation":"$conv","kind":"closed","closeReason":"blocked","sender":"$agent1"}, skipOthers=True),
   ev("v", {"conversation":"$conv","kind":"closed","closeReason":"blocked"}, skipOthers=True),
   err("v","BLOCKED", retryAfterMs="$any", skipOthers=True), closed("v","BLOCKED"),
   conn("r"), hello("r", auth={"scheme":"session","credential":"$visitor"}), err("r","BLOCKED", rid=1, retryAfterMs="$range:1..600000"), closed("r","BLOCKED")] + sup("s", "sup") + [
   send("s", {"type":"unblock","rid":2,"visitor":"$visitorUser"}), exp("s", {"type":"ok","rid":2}, skipOthers=True),
   conn("q"), hello("q", auth={"scheme":"session","credential":"$visitor"}), exp("q", {"type":"welcome","rid":1,"identity":{"user":"$visitorUser"}})],
  needs=["agents:1","seed:supervisorToken"], cleanup=[send("a", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("a", {"type":"ok","rid":91}, skipOthers=True)])
# Run against a server started with a small limit (.ci/run: --address-conversations-per-hour 2);
# skipped where the limit is absent or above a visitor's 3 open conversations (CONV section).
w("abuse-conversation-flood", ["ABUSE-5","ABUSE-6"], "The welcome announces limits.addressConversationsPerHour; creating one conversation more than that from the same address is ADDRESS_CONVERSATION_LIMIT with a retryAfterMs, and nothing is created.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"limits":{"addressConversationsPerHour":"$range:1..3"}}, orSkip=True)]
  + [send("v", {"type":"create","rid":2+i,"text":f"flood {i}"}) for i in range(4)]
  + [err("v","ADDRESS_CONVERSATION_LIMIT", rid="$any", retryAfterMs="$range:1..3600000", skipOthers=True),
     send("v", {"type":"list","rid":9}), exp("v", {"type":"conversations","rid":9}, skipOthers=True)],
  cleanup=[send("v", {"type":"goodbye","code":"GOING_AWAY"})])

# ---------- agent profiles: skills and caps from tokens, updateAgent (ROUTE-14) ----------
SKILLED=[conn("k"), hello("k", auth={"scheme":"token","credential":"$skilledAgentToken"}),
   exp("k", {"type":"welcome","rid":1,"identity":{"user":"$capture:skilled","role":"agent","skills":["billing"],"maxConcurrent":1}})] + accept("k", 2)
def tagged(c, rid, cap): return [send(c, {"type":"create","rid":rid,"text":"about my invoice","tags":["billing"]}), exp(c, {"type":"ok","rid":rid,"conversation":f"$capture:{cap}"}, skipOthers=True)]
w("agent-profile-from-token", ["SESSION-6","ROUTE-13","ROUTE-5","ROUTE-14"], "An agent token carrying skills and maxConcurrent (the 7-field form of SESSION-6) is welcomed with them in its identity; a conversation tagged with the skill goes to that agent, and a second one waits, as the token's cap of 1 is reached.",
  SKILLED + visitor("v") + tagged("v", 2, "c1") + [
   ev("k", {"conversation":"$c1","kind":"assigned","agent":"$skilled"}, skipOthers=True)] + visitor("w") + tagged("w", 2, "c2") + [
   nothing("k", 500, type="event")],
  needs=["seed:skilledAgentToken"], cleanup=[send("v", {"type":"close","rid":90,"conversation":"$c1"}), send("w", {"type":"close","rid":90,"conversation":"$c2"}),
    send("k", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("k", {"type":"ok","rid":91}, skipOthers=True)])
w("update-agent", ["ROUTE-14","ROUTE-5","ROUTE-7"], "A supervisor's updateAgent applies at once: raising the cap of an agent at capacity assigns them the waiting conversation; an agent may not update agents (FORBIDDEN); an unknown agent is AGENT_NOT_FOUND, no team INVALID_ARGUMENT, an unknown team TEAM_NOT_FOUND, maxConcurrent 0 INVALID_ARGUMENT.",
  SKILLED + visitor("v") + tagged("v", 2, "c1") + [
   ev("k", {"conversation":"$c1","kind":"assigned","agent":"$skilled"}, skipOthers=True)] + visitor("w") + tagged("w", 2, "c2") + sup("s", "sup") + [
   send("k", {"type":"updateAgent","rid":3,"agent":"$skilled","teams":["$team"],"skills":["billing"],"maxConcurrent":2}), err("k","FORBIDDEN", rid=3, skipOthers=True),
   send("s", {"type":"updateAgent","rid":2,"agent":"conformance-nobody","teams":["$team"]}), err("s","AGENT_NOT_FOUND", rid=2, skipOthers=True),
   send("s", {"type":"updateAgent","rid":3,"agent":"$skilled"}), err("s","INVALID_ARGUMENT", rid=3, skipOthers=True),
   send("s", {"type":"updateAgent","rid":4,"agent":"$skilled","teams":["no-such-team-x"]}), err("s","TEAM_NOT_FOUND", rid=4, skipOthers=True),
   send("s", {"type":"updateAgent","rid":5,"agent":"$skilled","teams":["$team"],"maxConcurrent":0}), err("s","INVALID_ARGUMENT", rid=5, skipOthers=True),
   send("s", {"type":"updateAgent","rid":6,"agent":"$skilled","teams":["$team"],"skills":["billing"],"maxConcurrent":2}), exp("s", {"type":"ok","rid":6}, skipOthers=True),
   ev("k", {"conversation":"$c2","kind":"assigned","agent":"$skilled"}, skipOthers=True)],
  needs=["seed:skilledAgentToken","seed:supervisorToken"], cleanup=[send("v", {"type":"close","rid":90,"conversation":"$c1"}), send("w", {"type":"close","rid":90,"conversation":"$c2"}),
    send("k", {"type":"agentStatus","rid":91,"routing":"notAccepting"}), exp("k", {"type":"ok","rid":91}, skipOthers=True)])

# ---------- the team queue feed (ROUTE-15) ----------
# A tag no agent has keeps the conversation waiting whoever accepts; other checks' waiting
# conversations may be listed too, so entries are matched with $contains.
QTAG="conformance-queue-feed"
w("team-queue-feed", ["ROUTE-15"], "An agent of the team subscribes to queue:<team> and at once gets a queue message; a visitor's new conversation (tagged so that nobody takes it) then appears in a queue message with its visitor, state, waitingSince, tags and the start of its first message; visitors get FORBIDDEN, queue: alone UNKNOWN_TOPIC, an unknown team TEAM_NOT_FOUND.",
  agent("a", 1, "agent1") + [
   send("a", {"type":"subscribe","rid":2,"topic":"queue:$team"}), exp("a", {"type":"ok","rid":2}, skipOthers=True),
   exp("a", {"type":"queue","team":"$team","asOf":"$any","total":"$any"}, skipOthers=True),
   send("a", {"type":"subscribe","rid":3,"topic":"queue:"}), err("a","UNKNOWN_TOPIC", rid=3, skipOthers=True),
   send("a", {"type":"subscribe","rid":4,"topic":"queue:no-such-team-x"}), err("a","TEAM_NOT_FOUND", rid=4, skipOthers=True)]
  + visitor("v", "visitorUser") + [
   send("v", {"type":"subscribe","rid":2,"topic":"queue:$team"}), err("v","FORBIDDEN", rid=2, skipOthers=True),
   send("v", {"type":"create","rid":3,"text":"I need help with my invoice","tags":[QTAG]}), exp("v", {"type":"ok","rid":3,"conversation":"$capture:conv"}, skipOthers=True),
   exp("a", {"type":"queue","team":"$team","entries":["$contains", {"conversation":"$conv","visitor":"$visitorUser","state":"$any","waitingSince":"$any","tags":[QTAG],"preview":"I need help with my invoice"}]}, skipOthers=True, withinMs=5000)],
  needs=["agents:1"], cleanup=[send("v", {"type":"close","rid":90,"conversation":"$conv"})])

# ---------- what happens next, and privacy (issue 21) ----------
w("typing-internal-staff-only", ["TYPE-9"], "An agent typing an internal note is shown to another staff member in the conversation (internal: true) and never to the visitor, neither the start nor the stop.",
  ASSIGN_STEPS + agent("b", 2, "agent2") + [send("b", {"type":"join","rid":2,"conversation":"$conv","mode":"participant"}), exp("b", {"type":"ok","rid":2}, skipOthers=True),
   ev("v", {"kind":"joined","agent":"$agent2"}, skipOthers=True),
   typing("a", True, internal=True), exp("b", {"type":"typers","conversation":"$conv","typers":[{"user":"$agent1","internal":True}]}, skipOthers=True),
   nothing("v", 500, type="typers"),
   typing("a", False, internal=True), exp("b", {"type":"typers","conversation":"$conv","typers":"$absent"}, skipOthers=True),
   nothing("v", 500, type="typers")],
  needs=["agents:2"], cleanup=CLEAN)
w("transfer-frees-capacity", ["CONV-19","ROUTE-5","ROUTE-7"], "An agent at their limit of 1 transfers their conversation to another agent: their capacity is free at once, so the next visitor's conversation is assigned to them.",
  BUSY + agent("b", 2, "agent2") + [
   send("a", {"type":"transfer","rid":3,"conversation":"$conv","agent":"$agent2"}), exp("a", {"type":"ok","rid":3}, skipOthers=True)]
  + visitor("w") + create("w", 2, "second", "conv2") + [ev("a", {"conversation":"$conv2","kind":"assigned","agent":"$agent1"}, skipOthers=True)],
  needs=["agents:2"], cleanup=[send("v", {"type":"close","rid":90,"conversation":"$conv"}), send("w", {"type":"close","rid":90,"conversation":"$conv2"})] + BUSY_CLEAN)

# ---------- bounds that follow what the server announces ----------
w("slow-consumer-closed", ["SESSION-33","HUB-11","HUB-13"], "A visitor who never acknowledges is kept while its unacknowledged events reach the announced maxUnackedEvents exactly, and closed with SLOW_CONSUMER by the next event; the event over the bound stays retained: resuming with the last seq it saw replays it. (Runs against a server whose messageBurst covers the bound, e.g. the suite's short-timer server.)",
  [conn("v"), hello("v", rid=1001), exp("v", {"type":"welcome","rid":1001,"session":"$capture:session","resumeToken":"$capture:token","sessionToken":"$capture:visitor"} | caps("maxUnackedEvents","messageBurst"), orSkip=True),
   assume("$messageBurst+1-$maxUnackedEvents", "needs messageBurst of at least maxUnackedEvents - 1 (a server started with a small maxUnackedEvents)"),
   send("v", {"type":"create","rid":1002,"text":"event 3"}), exp("v", {"type":"ok","rid":1002,"conversation":"$capture:conv"}), exp("v", {"type":"event","seq":3}, skipOthers=True),
   repeat("$maxUnackedEvents-3", [send("v", {"type":"send","rid":"$i","conversation":"$conv","clientMessageId":"m$i","text":"message $i"}),
     exp("v", {"type":"ok","rid":"$i"}), exp("v", {"type":"event","event":{"text":"message $i"}})]),
   nothing("v", 300), send("v", {"type":"send","rid":1003,"conversation":"$conv","clientMessageId":"over","text":"over the bound"}),
   {"client":"v","expectClosed":{"code":"SLOW_CONSUMER"}},
   conn("v"), send("v", {"type":"hello","rid":1004,"auth":{"scheme":"session","credential":"$visitor"},"resume":{"token":"$token","lastSeq":"$maxUnackedEvents"}}),
   exp("v", {"type":"welcome","rid":1004,"session":"$session","resume":{"status":"resumed"}}),
   exp("v", {"type":"event","event":{"conversation":"$conv","text":"over the bound"}}, skipOthers=True)],
  cleanup=close("v", 1005))

# ---------- permessage-deflate on a session connection ----------
import zlib
def raw_deflate(data, final=False):
    """Raw DEFLATE of `data`: ended with a sync flush minus its last four bytes (COMP-15), or,
    with `final`, ended with a final block."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = c.compress(data)
    if final: return (out + c.flush(zlib.Z_FINISH)).hex()
    out += c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4].hex()
DEFLATE_HELLO = [conn("v") | {"connect":{"deflate":True}}, {"client":"v","sendCompressed":{"type":"hello","rid":1,"auth":{"scheme":"anonymous"}}},
                 exp("v", {"type":"welcome","rid":1,"limits":{"maxMessage":"$range:1..4194303"}})]
w("websocket-deflate-session", ["COMP-15","COMP-16","COMP-17"], "On a connection that negotiated permessage-deflate (no context takeover), compressed messages are inflated: a compressed hello is welcomed (the server's compressed answers inflate too) and each compressed ping is answered.",
  DEFLATE_HELLO + [{"client":"v","sendCompressed":{"type":"ping","nonce":11}}, exp("v", {"type":"pong","nonce":11}),
   {"client":"v","sendCompressed":{"type":"ping","nonce":12}}, exp("v", {"type":"pong","nonce":12})],
  needs=["binding:websocket"])
for enc, ping in (("json", b'{"type":"ping","nonce":21}'), ("binary", bytes.fromhex("030815"))):
    w(f"websocket-deflate-final-block-{enc}", ["COMP-17"], "A compressed message that ends with a final (BFINAL) DEFLATE block is inflated (a ping answered), and the next compressed message starts a new DEFLATE stream (answered too).",
      DEFLATE_HELLO + [{"client":"v","sendDeflatedHex":raw_deflate(ping, final=True)}, exp("v", {"type":"pong","nonce":21}),
       {"client":"v","sendCompressed":{"type":"ping","nonce":22}}, exp("v", {"type":"pong","nonce":22})],
      needs=["binding:websocket", f"binding:{enc}"])
BOMB = raw_deflate(b" " * (4 << 20))
w("websocket-deflate-bomb", ["COMP-18","COMP-6","WS-3","WS-4"], "A compressed message inflating to 4 MiB (about 4 KB on the wire) is MESSAGE_TOO_LARGE once past the announced maxMessage: an error, then a close with status 1008.",
  DEFLATE_HELLO + [{"client":"v","sendDeflatedHex":BOMB}, err("v","MESSAGE_TOO_LARGE"),
   {"client":"v","expectClosed":{"code":"MESSAGE_TOO_LARGE","webSocketStatus":1008}}],
  needs=["binding:websocket"])
w("websocket-deflate-corrupt", ["COMP-17","WS-4"], "Invalid DEFLATE data in a compressed message, and bytes after a final block inside one, are DECOMPRESSION_FAILED: an error, then a close with status 1008.",
  DEFLATE_HELLO + [{"client":"v","sendDeflatedHex":"ff00aa55"}, err("v","DECOMPRESSION_FAILED"),
   {"client":"v","expectClosed":{"code":"DECOMPRESSION_FAILED","webSocketStatus":1008}},
   conn("w") | {"connect":{"deflate":True}}, {"client":"w","sendCompressed":{"type":"hello","rid":1,"auth":{"scheme":"anonymous"}}}, exp("w", {"type":"welcome","rid":1}),
   {"client":"w","sendDeflatedHex":raw_deflate(b'{"type":"ping","nonce":1}', final=True) + "00"}, err("w","DECOMPRESSION_FAILED"),
   {"client":"w","expectClosed":{"code":"DECOMPRESSION_FAILED","webSocketStatus":1008}}],
  needs=["binding:websocket"])

# ---------- more timers, on both sides of the announced value ----------
w("conv-reopen-window", ["CONV-9"], "A closed conversation reopens 700 ms before the announced reopenWindowMs ends, and not 1 s after it: REOPEN_WINDOW_EXPIRED (the conversation stays closed).",
  assign_steps(["reopenWindowMs"]) + answer() + close("a", 4) + [ev("v", {"kind":"closed"}, skipOthers=True), adv("$reopenWindowMs-700"),
   send("v", {"type":"reopen","rid":4,"conversation":"$conv"}), exp("v", {"type":"ok","rid":4}, skipOthers=True),
   ev("v", {"kind":"reopened"}, skipOthers=True)] + close("a", 5) + [ev("v", {"kind":"closed"}, skipOthers=True), adv("$reopenWindowMs+1000"),
   send("v", {"type":"reopen","rid":5,"conversation":"$conv"}), err("v","REOPEN_WINDOW_EXPIRED", rid=5, skipOthers=True), nothing("v", 300)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-archived", ["CONV-34","CONV-9"], "A closed conversation 1 s past the announced reopenWindowMs is archived and read-only: its history and list entry are still served to its visitor and its transcript to its agent, rating it is ILLEGAL_TRANSITION and reopening it REOPEN_WINDOW_EXPIRED.",
  assign_steps(["reopenWindowMs"]) + answer() + close("a", 4) + [ev("v", {"kind":"closed"}, skipOthers=True), adv("$reopenWindowMs+1000"),
   send("v", {"type":"history","rid":4,"conversation":"$conv","limit":2}), exp("v", {"type":"historyPage","rid":4,"conversation":"$conv"}, skipOthers=True),
   send("v", {"type":"list","rid":5,"state":"closed"}), exp("v", {"type":"conversations","rid":5,"conversations":[{"id":"$conv","state":"closed"}]}, skipOthers=True),
   send("a", {"type":"transcript","rid":5,"conversation":"$conv"}), exp("a", {"type":"transcriptResult","rid":5}, skipOthers=True),
   send("v", {"type":"rate","rid":6,"conversation":"$conv","score":5}), err("v","ILLEGAL_TRANSITION", rid=6, skipOthers=True),
   send("v", {"type":"reopen","rid":7,"conversation":"$conv"}), err("v","REOPEN_WINDOW_EXPIRED", rid=7, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-invitation-expiry", ["CONV-35","CONV-21"], "An invitation the visitor does not answer is still pending 700 ms before the announced invitationTimeoutMs (the agent hears nothing) and has expired 1 s after it: the agent was told it was declined, and accepting it is INVITATION_NOT_FOUND.",
  agent("a", 1, "agent1", ["invitationTimeoutMs"]) + accept("a", 2) + visitor("v", "visitorUser") + [
   send("a", {"type":"invite","rid":3,"visitor":"$visitorUser","text":"Need help?"}), exp("a", {"type":"ok","rid":3,"invitation":"$capture:inv"}),
   exp("v", {"type":"invitation","invitation":"$inv"}, skipOthers=True), adv("$invitationTimeoutMs-700"), nothing("a", 200, type="invitationAnswered"),
   exp("a", {"type":"invitationAnswered","invitation":"$inv","visitor":"$visitorUser","accepted":False}, skipOthers=True, withinMs=1700),
   send("v", {"type":"answerInvitation","rid":2,"invitation":"$inv","accept":True}), err("v","INVITATION_NOT_FOUND", rid=2, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("conv-inactivity-close", ["CONV-22"], "An active conversation in which nobody writes for the announced inactivityTimeoutMs closes with reason inactivity and no sender: nothing 700 ms before, the closed event within 1.7 s after.",
  assign_steps(["inactivityTimeoutMs"]) + [assume("$inactivityTimeoutMs-1", "needs an inactivity timeout (0 means never)")] + answer() + [
   adv("$inactivityTimeoutMs-700"), nothing("v", 50),
   ev("v", {"conversation":"$conv","kind":"closed","closeReason":"inactivity","sender":"$absent"}, skipOthers=True, withinMs=1700),
   ev("a", {"conversation":"$conv","kind":"closed","closeReason":"inactivity"}, skipOthers=True)],
  needs=["agents:1"], cleanup=CLEAN)
w("presence-idle-away", ["PRES-8"], "A visitor connection with no activity for the announced idleAwayMs counts as away (nothing 500 ms before; away within 2 s, coalescing included); an activity signal makes it online again.",
  visitor("v", "visitorUser", ["idleAwayMs"]) + agent("a", 1, "agent1") +
  subscribed("a", 2, "presence:user:$visitorUser", {"type":"presence","user":"$visitorUser","status":"online"}) + [
   adv("$idleAwayMs-500"), nothing("a", 50, type="presence"),
   exp("a", {"type":"presence","user":"$visitorUser","status":"away"}, withinMs=2000),
   send("v", {"type":"activity"}), exp("a", {"type":"presence","user":"$visitorUser","status":"online"}, withinMs=2000)],
  needs=["agents:1"])
w("resume-other-user", ["SESSION-14","SESSION-16"], "Another user presenting a visitor's resume token is answered unknown (not expired: the token is not theirs) with a session of their own; the visitor still resumes their own session with it afterwards.",
  [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"session":"$capture:session","resumeToken":"$capture:token","sessionToken":"$capture:visitor"}),
   {"client":"v","disconnect":{}}, conn("w"), hello("w", resume={"token":"$token","lastSeq":0}),
   exp("w", {"type":"welcome","rid":1,"resume":{"status":"unknown"}}), nothing("w", 200),
   conn("v"), hello("v", rid=2, auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":0}),
   exp("v", {"type":"welcome","rid":2,"session":"$session","resume":{"status":"resumed"}})])
w("transfer-note-staff-only", ["CONV-14","CONV-19"], "A transfer's note reaches the staff (the new agent gets it as a note event) and never the visitor: the visitor's next event is the transfer, nothing follows it, and their history has no note.",
  ASSIGN_STEPS + answer() + agent("b", 2, "agent2") + [
   send("a", {"type":"transfer","rid":6,"conversation":"$conv","agent":"$agent2","note":"VIP customer, second time today"}), exp("a", {"type":"ok","rid":6}, skipOthers=True),
   exp("v", {"type":"event","event":{"kind":"transferred","agent":"$agent2"}}), nothing("v", 400),
   ev("b", {"conversation":"$conv","kind":"note","text":"VIP customer, second time today"}, skipOthers=True),
   send("v", {"type":"history","rid":7,"conversation":"$conv","direction":"forward"}),
   exp("v", {"type":"historyPage","rid":7,"events":[{"kind":"created"},{"kind":"queued"},{"kind":"message"},{"kind":"assigned"},{"kind":"message"},{"kind":"transferred"}]})],
  needs=["agents:2"], cleanup=CLEAN)
w("resume-replays-while-away", ["SESSION-15","SESSION-10","SESSION-14"], "Events pushed while the visitor's connection is down are retained: the agent's message written meanwhile is replayed on resuming, with the next seq, once.",
  agent("a", 1, "agent1") + accept("a", 2) + [conn("v"), hello("v"), exp("v", {"type":"welcome","rid":1,"session":"$capture:session","resumeToken":"$capture:token","sessionToken":"$capture:visitor"})] +
  create("v", 2, "anyone there?") + [exp("v", {"type":"event","seq":4,"event":{"kind":"assigned","agent":"$agent1"}}, skipOthers=True),
   ev("a", {"conversation":"$conv","kind":"assigned"}, skipOthers=True), {"client":"v","disconnect":{}}, adv(200),
   msg("a", 3, "Yes, I am here", "a1"), exp("a", {"type":"ok","rid":3}, skipOthers=True), adv(200),
   conn("v"), hello("v", rid=3, auth={"scheme":"session","credential":"$visitor"}, resume={"token":"$token","lastSeq":4}),
   exp("v", {"type":"welcome","rid":3,"session":"$session","resume":{"status":"resumed","replayFrom":5,"lastSeq":5}}),
   exp("v", {"type":"event","seq":5,"event":{"conversation":"$conv","kind":"message","text":"Yes, I am here"}}), nothing("v", 300)],
  needs=["agents:1"], cleanup=CLEAN)
w("typing-ends-on-note", ["TYPE-4"], "An agent shown typing to the visitor and to a joined agent writes an internal note: their typing ends at once for both (the empty set within 1 s, long before the typing expiry), though only the staff see the note.",
  ASSIGN_STEPS + answer() + agent("b", 2, "agent2") + [send("b", {"type":"join","rid":2,"conversation":"$conv","mode":"participant"}), exp("b", {"type":"ok","rid":2}, skipOthers=True),
   typing("a"), exp("v", {"type":"typers","conversation":"$conv","typers":[{"user":"$agent1"}]}, skipOthers=True),
   exp("b", {"type":"typers","conversation":"$conv","typers":[{"user":"$agent1"}]}, skipOthers=True),
   send("a", {"type":"note","rid":4,"conversation":"$conv","clientMessageId":"n1","text":"checking the order"}), exp("a", {"type":"ok","rid":4}, skipOthers=True),
   exp("v", {"type":"typers","conversation":"$conv","typers":"$absent"}, withinMs=1000),
   exp("b", {"type":"typers","conversation":"$conv","typers":"$absent"}, skipOthers=True, withinMs=1000)],
  needs=["agents:2"], cleanup=CLEAN)
w("typing-ends-on-block", ["TYPE-15","ABUSE-9"], "When an agent blocks the visitor who is typing, the conversation closes and the agent is sent the empty set at once (not at the typing expiry): every way a conversation ends ends its typing.",
  ASSIGN_STEPS + answer() + [typing("v"), exp("a", {"type":"typers","conversation":"$conv","typers":[{"user":"$visitorUser"}]}, skipOthers=True),
   send("a", {"type":"block","rid":4,"visitor":"$visitorUser","durationMs":60000,"reason":"spam"}),
   exp("a", {"type":"typers","conversation":"$conv","typers":"$absent"}, skipOthers=True, withinMs=1000)],
  needs=["agents:1"], cleanup=CLEAN[1:])
