/// What the load generator writes in every published message's text, and finds again in
/// every delivery: the room, the message's index in that room, and its intended send time.
///
/// The text is `#PB` + room (8 hex digits) + index (12) + intended time in monotonic ns (16),
/// padded with `.` to the requested size. Only ASCII letters, digits, `#` and `.` appear, so
/// the same bytes show up unescaped in the binary and the JSON encodings, and a delivery is
/// recognised by scanning its payload without decoding it.
public struct Probe: Sendable, Hashable {
    /// The room (conversation) index, from 0.
    public var room: Int
    /// The message's index in its room, from 0, consecutive.
    public var index: Int
    /// When the message was meant to be sent (``BenchClock`` ns): latency is measured from here.
    public var intended: UInt64

    /// Creates a probe.
    public init(room: Int, index: Int, intended: UInt64) {
        self.room = room
        self.index = index
        self.intended = intended
    }

    /// The marker that starts a probe.
    static let marker: [UInt8] = Array("#PB".utf8)
    /// Bytes of a probe without padding: the smallest `--size`.
    public static let minimumSize = 3 + 8 + 12 + 16

    /// The message text for this probe, `size` bytes long (at least ``minimumSize``).
    public func text(size: Int) -> String {
        String(decoding: bytes(size: size), as: UTF8.self)
    }

    /// The message text for this probe as ASCII bytes, `size` long (at least ``minimumSize``).
    public func bytes(size: Int) -> [UInt8] {
        var bytes = Probe.marker
        bytes.reserveCapacity(max(size, Probe.minimumSize))
        Probe.appendHex(UInt64(room), digits: 8, to: &bytes)
        Probe.appendHex(UInt64(index), digits: 12, to: &bytes)
        Probe.appendHex(intended, digits: 16, to: &bytes)
        while bytes.count < size { bytes.append(UInt8(ascii: ".")) }
        return bytes
    }

    /// Finds the first probe in `bytes` (an encoded message, any encoding), or `nil`.
    public static func find(in bytes: UnsafeRawBufferPointer) -> Probe? {
        let count = bytes.count
        guard count >= minimumSize else { return nil }
        var i = 0
        let last = count - minimumSize
        while i <= last {
            if bytes[i] == 0x23, bytes[i + 1] == 0x50, bytes[i + 2] == 0x42,
               let room = hex(bytes, at: i + 3, digits: 8),
               let index = hex(bytes, at: i + 11, digits: 12),
               let intended = hex(bytes, at: i + 23, digits: 16) {
                return Probe(room: Int(room), index: Int(index), intended: intended)
            }
            i += 1
        }
        return nil
    }

    private static func appendHex(_ value: UInt64, digits: Int, to bytes: inout [UInt8]) {
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0x0F
            bytes.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
            shift -= 4
        }
    }

    private static func hex(_ bytes: UnsafeRawBufferPointer, at start: Int, digits: Int) -> UInt64? {
        var value: UInt64 = 0
        for i in start..<(start + digits) {
            let c = bytes[i]
            let nibble: UInt8
            switch c {
            case 0x30...0x39: nibble = c - 0x30
            case 0x61...0x66: nibble = c - 0x57
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
