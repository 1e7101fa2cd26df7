import ParleyWire

/// A staff search over transcripts (STORE-9): the messages and internal notes whose text holds
/// every word of ``words``, in the conversations of ``teams``, newest first, one page at a time.
public struct TranscriptQuery: Sendable, Hashable {
    /// The words looked for, lower-cased: letters and digits, each at most 64 bytes, at least one.
    public var words: [String]
    /// The teams whose conversations are searched (the searcher's, CONV-30).
    public var teams: Set<String>
    /// Where the page starts: strictly older than this position; `nil` for the newest.
    public var before: TranscriptPosition?
    /// At most this many events in the page.
    public var limit: Int

    /// The most words a query may hold (CONV-36).
    public static let maxWords = 8
    /// The longest word a query may hold, in UTF-8 bytes (CONV-36).
    public static let maxWordBytes = 64

    /// A query for `text`'s words (see ``words(of:)``).
    public init(words: [String], teams: Set<String>, before: TranscriptPosition? = nil, limit: Int) {
        self.words = words
        self.teams = teams
        self.before = before
        self.limit = limit
    }

    /// The words of `text` as a search compares them: runs of letters and digits, lower-cased
    /// (every letter, as Unicode lower-cases it).
    public static func words(of text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(contentsOf: character.lowercased())
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Whether `event` is one this query finds: a message or note of a conversation in
    /// ``teams`` (team `team`), older than ``before``, whose text holds every word.
    public func matches(_ event: ChatEvent, team: String) -> Bool {
        guard event.kind == .message || event.kind == .note, teams.contains(team), let text = event.text else { return false }
        if let before, !(TranscriptPosition(event) < before) { return false }
        let held = Set(Self.words(of: text))
        return words.allSatisfy(held.contains)
    }
}

/// Where an event stands in search order: newest first by time, then by conversation id and
/// cseq, both descending (STORE-9).
public struct TranscriptPosition: Sendable, Hashable, Comparable {
    /// The event's time.
    public var at: Instant
    /// Its conversation.
    public var conversation: String
    /// Its cseq.
    public var cseq: UInt64

    /// A position.
    public init(at: Instant, conversation: String, cseq: UInt64) {
        self.at = at
        self.conversation = conversation
        self.cseq = cseq
    }

    /// The position of `event`.
    public init(_ event: ChatEvent) {
        self.init(at: Instant(rawValue: event.time), conversation: event.conversation, cseq: event.cseq)
    }

    /// The position the wire names (a search's `before`).
    public init(_ wire: Wire.SearchPosition) {
        self.init(at: Instant(rawValue: wire.time), conversation: wire.conversation, cseq: wire.cseq)
    }

    /// The position as the wire carries it (a search result's `next`).
    public var wire: Wire.SearchPosition { Wire.SearchPosition(time: at.rawValue, conversation: conversation, cseq: cseq) }

    /// Older first: the order a page reads backwards.
    public static func < (lhs: TranscriptPosition, rhs: TranscriptPosition) -> Bool {
        (lhs.at, lhs.conversation, lhs.cseq) < (rhs.at, rhs.conversation, rhs.cseq)
    }
}
