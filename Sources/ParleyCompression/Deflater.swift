import CZlib

/// A zlib deflate stream: compresses bytes into zlib (RFC 1950) or raw deflate (RFC 1951) data.
///
/// A class because zlib's state points back at its `z_stream`, which therefore must not move;
/// it is freed in `deinit`. Not thread-safe: use one per connection (or per shared encoder).
///
/// ```swift
/// let deflater = try Deflater(format: .zlib, level: .default)
/// var out: [UInt8] = []
/// try deflater.deflate(payload, flush: .finish, appendingTo: &out)
/// deflater.reset()
/// ```
public final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    /// The container format this stream writes.
    public let format: ZlibFormat
    /// The LZ77 window the compressor uses, 2^`windowBits` bytes (8...15).
    public let windowBits: Int
    /// The compression level.
    public let level: CompressionLevel

    /// Creates a compressor.
    ///
    /// - Parameters:
    ///   - format: zlib or raw deflate.
    ///   - level: 0...9.
    ///   - windowBits: 8...15. zlib cannot compress with a window of 2^8; 8 is run as 9, which
    ///     is still valid for a 2^8 peer window because zlib never emits a distance above
    ///     2^windowBits − 262 (250 for 9).
    ///   - memoryLevel: zlib's `memLevel`, 1...9 (8 is zlib's default).
    /// - Throws: ``CompressionError/invalidArgument(_:)`` for values out of range,
    ///   ``CompressionError/zlib(function:status:message:)`` if zlib cannot allocate.
    public init(
        format: ZlibFormat, level: CompressionLevel = .default,
        windowBits: Int = ZlibFormat.maxWindowBits, memoryLevel: Int = 8
    ) throws(CompressionError) {
        try ZlibFormat.validate(windowBits: windowBits)
        guard (1...9).contains(memoryLevel) else { throw .invalidArgument("memory level \(memoryLevel) outside 1...9") }
        self.format = format
        self.windowBits = windowBits
        self.level = level
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = parley_deflateInit2(
            stream, Int32(level.rawValue), format.zlibWindowBits(max(windowBits, 9)), Int32(memoryLevel), Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            stream.deallocate()
            throw .zlib(function: "deflateInit2", status: status, message: "cannot initialise deflate")
        }
        ZlibStreamCount.opened()
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        ZlibStreamCount.closed()
    }

    /// Compresses `input` and appends the output produced so far to `output`.
    ///
    /// With `.sync`, `.full` or `.finish`, everything fed so far is in `output` on return.
    /// After `.finish`, call ``reset()`` before compressing another stream.
    /// - Throws: ``CompressionError/zlib(function:status:message:)`` if zlib rejects the call
    ///   (for instance compressing after `.finish` without a reset).
    /// - Complexity: O(`input.count`); no allocation beyond the growth of `output`.
    public func deflate(_ input: UnsafeRawBufferPointer, flush: DeflateFlush, appendingTo output: inout [UInt8]) throws(CompressionError) {
        guard input.count <= Int(UInt32.max) else { throw .invalidArgument("input of \(input.count) bytes is over 4 GiB") }
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = UInt32(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        var room = Int(deflateBound(stream, uLong(input.count))) + 16
        while true {
            var status = Z_OK
            var filled = false
            try output.appendInPlace(room: room) { (pointer, count) throws(CompressionError) -> Int in
                stream.pointee.next_out = pointer
                stream.pointee.avail_out = UInt32(count)
                status = CZlib.deflate(stream, flush.zlibValue)
                filled = stream.pointee.avail_out == 0
                let written = count - Int(stream.pointee.avail_out)
                stream.pointee.next_out = nil
                stream.pointee.avail_out = 0
                return written
            }
            switch status {
            case Z_STREAM_END:
                return
            case Z_OK, Z_BUF_ERROR:
                // Done once all input is taken and zlib stopped short of filling the room, so
                // any flush completed. Otherwise it needs more room.
                if flush != .finish && stream.pointee.avail_in == 0 && !filled { return }
                guard filled else { throw .zlib(function: "deflate", status: status, message: lastError()) }
                room = max(room, 4096) * 2
            default:
                throw .zlib(function: "deflate", status: status, message: lastError())
            }
        }
    }

    /// Compresses `input` (see ``deflate(_:flush:appendingTo:)-(UnsafeRawBufferPointer,_,_)``).
    public func deflate(_ input: [UInt8], flush: DeflateFlush, appendingTo output: inout [UInt8]) throws(CompressionError) {
        // withUnsafeBytes is untyped `rethrows`; carry the typed error out in a Result.
        try input.withUnsafeBytes { bytes in
            Result { () throws(CompressionError) -> Void in try deflate(bytes, flush: flush, appendingTo: &output) }
        }.get()
    }

    /// Starts a new stream with the same parameters, forgetting the window (no context
    /// takeover). Keeps zlib's memory, so it is cheap.
    public func reset() {
        // deflateReset fails only on a stream that was never initialised, which `init` rules out.
        let status = deflateReset(stream)
        precondition(status == Z_OK, "deflateReset failed: \(status)")
    }

    private func lastError() -> String {
        stream.pointee.msg.map { String(cString: $0) } ?? "no message"
    }
}
