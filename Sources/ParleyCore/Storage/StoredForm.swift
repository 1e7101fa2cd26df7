import ParleyWire

// The stored form of a conversation's record (``ConversationMachine`` is `Codable`): what a
// database store keeps in its `record` column (Spec/storage.md). Instants and the wire's
// enums are stored as their numbers, properties as `{"key", "value"}` objects.

extension Instant: Codable {}
extension Role: Codable {}
extension JoinMode: Codable {}
extension CloseReason: Codable {}
extension ConversationState: Codable {}

extension Wire.Property: Codable {
    private enum CodingKeys: String, CodingKey { case key, value }

    /// Reads a property from its stored form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try container.decode(String.self, forKey: .key), value: try container.decode(String.self, forKey: .value))
    }

    /// Writes the property in its stored form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(value, forKey: .value)
    }
}

extension ChatEvent {
    /// The event's stored body: the wire's JSON of its `ConversationEvent` (PROTO section), the
    /// same object clients receive; its ``audience`` is stored beside it.
    public var storedBody: [UInt8] {
        var writer = JSONWriter()
        wire.encodeJSON(into: &writer)
        return writer.buffer
    }

    /// An event read back from its stored body and audience.
    ///
    /// - Throws: `WireError` when the body is not a `ConversationEvent`'s JSON.
    public init(storedBody: [UInt8], audience: Audience) throws(WireError) {
        let read = storedBody.withUnsafeBytes { bytes -> Result<Wire.ConversationEvent, WireError> in
            var reader = JSONReader(bytes)
            do throws(WireError) {
                let event = try Wire.ConversationEvent.decodeJSON(from: &reader)
                try reader.finish()
                return .success(event)
            } catch {
                return .failure(error)
            }
        }
        self.init(try read.get(), audience: audience)
    }
}

extension ChatEvent {
    /// An event read back from a database row: its stored body and the stored name of its
    /// audience (Spec/storage.md, `events`).
    ///
    /// - Throws: ``StoreError/unreadableRow(table:detail:)`` for an audience no store writes;
    ///   `WireError` for a body that is not a `ConversationEvent`'s JSON.
    public init(storedBody: String, storedAudience: String) throws {
        guard let audience = Audience(storedName: storedAudience) else {
            throw StoreError.unreadableRow(table: "events", detail: "audience \(storedAudience)")
        }
        try self.init(storedBody: Array(storedBody.utf8), audience: audience)
    }
}
