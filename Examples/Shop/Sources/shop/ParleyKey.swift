import Foundation

/// The key Parley signs its resume and visitor tokens with, kept in the data folder so that
/// chats resume across restarts of the shop: read from `<data>/parley.key`, or made and
/// written there (readable by the owner only) on first start.
enum ParleyKey {
    static func load(from folder: String) throws -> [UInt8] {
        let path = (folder as NSString).appendingPathComponent("parley.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let hex = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            let bytes = stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16) }
            guard bytes.count == 32 else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
            return bytes
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let hex = bytes.map { String(format: "%02x", $0) }.joined() + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return bytes
    }
}
