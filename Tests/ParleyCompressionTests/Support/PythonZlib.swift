import Foundation

/// An independent zlib peer: Python's `zlib` module, run once per call as a subprocess with a
/// batch of requests in JSON on stdin. Used only in tests (Foundation's Process is allowed here).
enum PythonZlib {
    /// One request to the Python side.
    struct Request: Encodable {
        /// `compress`, `decompress`, `pmdCompress` (a list of messages on one connection) or
        /// `pmdDecompress`.
        var op: String
        /// `zlib` (RFC 1950) or `raw` (RFC 1951), for compress / decompress.
        var format: String = "zlib"
        var level: Int = 6
        var windowBits: Int = 15
        /// The compressor or decompressor resets after each message (pmd ops).
        var noContextTakeover = false
        /// End each compressed message with a final block instead of a sync flush (pmdCompress).
        var finalBlocks = false
        /// Hex-encoded inputs.
        var data: [String]
    }

    /// Runs the requests; each result is a list of hex strings (one per input).
    static func run(_ requests: [Request]) throws -> [[[UInt8]]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(requests))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PythonFailure(status: process.terminationStatus) }
        let results = try JSONDecoder().decode([[String]].self, from: data)
        return results.map { $0.map(fromHex) }
    }

    struct PythonFailure: Error { var status: Int32 }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    static func fromHex(_ text: String) -> [UInt8] {
        let chars = Array(text.utf8)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
    }

    private static let script = #"""
import json, sys, zlib
TAIL = b"\x00\x00\xff\xff"
def wbits(r): return r["windowBits"] if r["format"] == "zlib" else -r["windowBits"]
out = []
for r in json.load(sys.stdin):
    data = [bytes.fromhex(h) for h in r["data"]]
    op = r["op"]
    if op == "compress":
        res = []
        for d in data:
            c = zlib.compressobj(r["level"], zlib.DEFLATED, wbits(r))
            res.append(c.compress(d) + c.flush())
    elif op == "decompress":
        res = []
        for d in data:
            o = zlib.decompressobj(wbits(r))
            plain = o.decompress(d)
            assert o.eof and not o.unused_data, "not exactly one stream"
            res.append(plain)
    elif op == "pmdCompress":
        res, history = [], b""
        c = zlib.compressobj(r["level"], zlib.DEFLATED, -r["windowBits"])
        for d in data:
            if r["finalBlocks"]:
                # RFC 7692 7.2.3.3: a final block ends the message; keep the window via zdict.
                if r["noContextTakeover"] or not history:
                    c = zlib.compressobj(r["level"], zlib.DEFLATED, -r["windowBits"])
                else:
                    c = zlib.compressobj(r["level"], zlib.DEFLATED, -r["windowBits"], zdict=history[-32768:])
                res.append(c.compress(d) + c.flush(zlib.Z_FINISH))
            else:
                if r["noContextTakeover"]:
                    c = zlib.compressobj(r["level"], zlib.DEFLATED, -r["windowBits"])
                m = c.compress(d) + c.flush(zlib.Z_SYNC_FLUSH)
                assert m.endswith(TAIL)
                res.append(m[:-4])
            history += d
    elif op == "pmdDecompress":
        res = []
        o = zlib.decompressobj(-r["windowBits"])
        for d in data:
            if r["noContextTakeover"]:
                o = zlib.decompressobj(-r["windowBits"])
            res.append(o.decompress(d + TAIL))
            assert not o.eof, "message ended the deflate stream"
    else:
        raise SystemExit("unknown op " + op)
    out.append([x.hex() for x in res])
json.dump(out, sys.stdout)
"""#
}
