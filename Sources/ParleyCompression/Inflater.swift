import CZlib

/// A zlib inflate stream with a hard limit on its output: decompresses zlib (RFC 1950) or raw
/// deflate (RFC 1951) data from a peer without ever holding more than the limit.
///
/// The output array grows by explicit reservations that never exceed the limit (COMP-7), so a
/// decompression bomb costs at most `limit` bytes of memory and the time to inflate `limit`
/// bytes before it is rejected. A class because zlib's state points back at its `z_stream`.
///
/// ```swift
/// let inflater = try Inflater(format: .zlib)
/// var message: [UInt8] = []
/// let progress = try inflater.inflate(payload, appendingTo: &message, limit: maxMessage)
/// ```
public final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    /// The container format this stream reads.
    public let format: ZlibFormat

    /// The largest amount of output written per zlib call (bounds the zero-fill per step).
    private static let stepBytes = 1 << 18
    /// The first reservation for a message, before its size is known.
    private static let firstReservation = 4096

    /// Creates a decompressor. It always uses the largest window (2^15), which inflates data
    /// compressed with any window size.
    /// - Throws: ``CompressionError/zlib(function:status:message:)`` if zlib cannot allocate.
    public init(format: ZlibFormat) throws(CompressionError) {
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = parley_inflateInit2(stream, format.zlibWindowBits(ZlibFormat.maxWindowBits))
        guard status == Z_OK else {
            stream.deallocate()
            throw .zlib(function: "inflateInit2", status: status, message: "cannot initialise inflate")
        }
        ZlibStreamCount.opened()
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        ZlibStreamCount.closed()
    }

    /// Inflates `input`, appending to `output`, which never grows past `limit` bytes, neither in
    /// count nor in reserved capacity (beyond the allocator's rounding): capacity is reserved
    /// explicitly, doubling up to the limit, never by `append`'s own growth. (A caller's buffer
    /// that already has more capacity keeps it; only `limit` bytes of it are used.)
    ///
    /// - Returns: ``InflateProgress/needsInput`` when all input was consumed mid-stream, or
    ///   ``InflateProgress/streamEnd(unconsumed:)`` when the stream ended.
    /// - Throws: ``CompressionError/tooLarge(limit:)`` as soon as the output would exceed
    ///   `limit` (the stream is then unusable until ``reset()``),
    ///   ``CompressionError/corruptData(_:)`` for invalid data or a preset dictionary.
    public func inflate(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8], limit: Int) throws(CompressionError) -> InflateProgress {
        guard input.count <= Int(UInt32.max) else { throw .invalidArgument("input of \(input.count) bytes is over 4 GiB") }
        guard output.count <= limit else { throw .invalidArgument("output already holds more than the limit") }
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = UInt32(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            if output.count == limit {
                return try probeAtLimit(limit)
            }
            if output.capacity == output.count {
                let wanted = max(output.count * 2, output.count + Inflater.firstReservation, input.count * 4)
                output.reserveCapacity(min(limit, wanted))
            }
            let room = min(min(output.capacity, limit) - output.count, Inflater.stepBytes)
            var status = Z_OK
            var filled = false
            output.appendInPlace(room: room) { pointer, count in
                stream.pointee.next_out = pointer
                stream.pointee.avail_out = UInt32(count)
                status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                filled = stream.pointee.avail_out == 0
                let written = count - Int(stream.pointee.avail_out)
                stream.pointee.next_out = nil
                stream.pointee.avail_out = 0
                return written
            }
            switch try classify(status) {
            case .some(let progress): return progress
            case .none:
                // Z_OK or Z_BUF_ERROR: either the room filled up (loop for more) or input ran out.
                if !filled && stream.pointee.avail_in == 0 { return .needsInput }
                guard filled else { throw .corruptData("inflate made no progress") }
            }
        }
    }

    /// Inflates `input` (see ``inflate(_:appendingTo:limit:)-(UnsafeRawBufferPointer,_,_)``).
    public func inflate(_ input: [UInt8], appendingTo output: inout [UInt8], limit: Int) throws(CompressionError) -> InflateProgress {
        // withUnsafeBytes is untyped `rethrows`; carry the typed error out in a Result.
        try input.withUnsafeBytes { bytes in
            Result { () throws(CompressionError) -> InflateProgress in try inflate(bytes, appendingTo: &output, limit: limit) }
        }.get()
    }

    /// Starts a new stream, forgetting the window (no context takeover). Cheap: keeps memory.
    public func reset() {
        // inflateReset fails only on a stream that was never initialised, which `init` rules out.
        let status = inflateReset(stream)
        precondition(status == Z_OK, "inflateReset failed: \(status)")
    }

    /// Starts a new raw-deflate stream that may still refer to the last 32 KiB of output: what a
    /// permessage-deflate receiver with context takeover needs after a message that ended with
    /// a final block (RFC 7692 §7.2.3.3).
    func resetKeepingWindow() throws(CompressionError) {
        try withUnsafeTemporaryAllocation(of: Bytef.self, capacity: 1 << ZlibFormat.maxWindowBits) { (window) throws(CompressionError) in
            var length: uInt = 0
            var status = inflateGetDictionary(stream, window.baseAddress, &length)
            guard status == Z_OK else { throw .zlib(function: "inflateGetDictionary", status: status, message: lastError()) }
            reset()
            status = inflateSetDictionary(stream, window.baseAddress, length)
            guard status == Z_OK else { throw .zlib(function: "inflateSetDictionary", status: status, message: lastError()) }
        }
    }

    /// With the output at `limit`, asks zlib for one more byte: if there is one, the message is
    /// too large; otherwise reports where the stream stands.
    private func probeAtLimit(_ limit: Int) throws(CompressionError) -> InflateProgress {
        var byte: UInt8 = 0
        while true {
            stream.pointee.next_out = withUnsafeMutablePointer(to: &byte) { $0 }
            stream.pointee.avail_out = 1
            let status = CZlib.inflate(stream, Z_SYNC_FLUSH)
            let produced = stream.pointee.avail_out == 0
            stream.pointee.next_out = nil
            stream.pointee.avail_out = 0
            if produced { throw .tooLarge(limit: limit) }
            if let progress = try classify(status) { return progress }
            if stream.pointee.avail_in == 0 { return .needsInput }
        }
    }

    /// Maps a zlib inflate status to the end of the stream, `nil` (keep going), or an error.
    private func classify(_ status: Int32) throws(CompressionError) -> InflateProgress? {
        switch status {
        case Z_STREAM_END: return .streamEnd(unconsumed: Int(stream.pointee.avail_in))
        case Z_OK, Z_BUF_ERROR: return nil
        case Z_NEED_DICT: throw .corruptData("the stream asks for a preset dictionary")
        case Z_DATA_ERROR: throw .corruptData(lastError())
        default: throw .zlib(function: "inflate", status: status, message: lastError())
        }
    }

    private func lastError() -> String {
        stream.pointee.msg.map { String(cString: $0) } ?? "no message"
    }
}
