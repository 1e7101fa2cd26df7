import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The behaviour every ``DurableStore`` shares with ``StoreContents`` (Spec/storage.md,
/// Spec/durability.md): each case writes the changes of ``ChatScript/day`` and checks what the
/// store answers, against fixed expectations and against the reference ``StoreContents``.
enum ContractCase: String, CaseIterable, Sendable, CustomStringConvertible {
    case writeTwice, recordKeepsArchived, load, recover, roundTrip, visitorErased, purge, search, searchPages, reopen

    var description: String { rawValue }

    /// The cases a store that keeps nothing beyond itself runs (no reopening).
    static let inMemory = allCases.filter { $0 != .reopen }

    typealias C = ChatScript.Conversation

    /// Runs the case on a fresh store of `kind`.
    func run(on kind: StoreKind) async throws {
        try await kind.withSubject { subject in try await run(subject) }
    }

    private func run(_ subject: StoreSubject) async throws {
        let store = subject.store
        let day = ChatScript.day
        switch self {
        case .writeTwice:
            // Batch by batch, as the server writes, then the whole day again in one write (STORE-4).
            for batch in day.batches { try await store.write(batch) }
            let once = try await StoreSnapshot(of: store)
            try await store.write(day.changes)
            let twice = try await StoreSnapshot(of: store)
            #expect(once == twice)
            #expect(once == StoreSnapshot(of: day.reference), "\(once)")

        case .recordKeepsArchived:
            // In one write to an empty store: a first record, the archiving, then a later record
            // (coalescing records must not drop the one the archiving applies to).
            let records = try #require(day.records[C.recent])
            try await store.write([.conversation(records[0]), .archived(conversation: C.recent), .conversation(records[records.count - 1])])
            #expect(try await store.load(.conversation(C.recent)).records == [records[records.count - 1]])
            try await store.write(day.changes)
            let final = try #require(day.records[C.rated]?.last)
            try await store.write([.conversation(final)])
            #expect(try await store.load(.conversation(C.rated)).records == [final], "an upsert keeps archived")
            #expect(try await !store.recover().conversations.contains { $0.id == C.rated })
            #expect(try await store.load(.conversation(C.recent)).records == [records[records.count - 1]])

        case .load:
            try await store.write(day.changes)
            let rated = try await store.load(.conversation(C.rated))
            #expect(rated.records.map(\.id) == [C.rated])
            #expect(rated.events.map(\.cseq) == Array(1...UInt64(rated.events.count)) && rated.events.count >= 5, "events in cseq order")
            #expect(rated.events == day.reference.answer(.conversation(C.rated)).events)
            #expect(try await store.load(.conversation(C.active)).records.isEmpty, "not archived")
            #expect(try await store.load(.conversation(C.recent)).records.isEmpty, "ended, but within its reopen window")
            #expect(try await store.load(.conversation("c404")).records.isEmpty)
            #expect(try await store.load(.visitor("v1")).records.map(\.id) == [C.billing])
            #expect(try await store.load(.visitor("v4")).records.isEmpty)
            #expect(try await store.load(.state(nil)).records.map(\.id) == [C.rated, C.abandoned, C.billing])
            #expect(try await store.load(.state(.closed)).records.map(\.id) == [C.rated, C.billing])
            #expect(try await store.load(.state(.abandoned)).records.map(\.id) == [C.abandoned])
            #expect(try await store.load(.state(.active)).records.isEmpty)
            for query in [ArchiveQuery.visitor("v1"), .visitor("v2"), .state(.closed), .state(nil)] {
                #expect(try await store.load(query).records == day.reference.answer(query).records, "\(query)")
                #expect(try await store.load(query).events.isEmpty, "\(query): records only")
            }

        case .recover:
            #expect(try await store.recover() == RecoveredState(), "an empty store recovers nothing")
            try await store.write(day.changes)
            let recovered = try await store.recover().normalized
            #expect(recovered.conversations.map(\.id) == [C.active, C.recent])
            #expect(recovered.teams == ["sales": 3, "support": 1])
            #expect(recovered.agents.keys.sorted() == ["ann", "bob", "sue"])
            #expect(recovered.agents["bob"] == AgentProfile(teams: ["support"], maxConcurrent: 1))
            #expect(recovered.newestConversation == C.recent)
            #expect(Set(recovered.events.map(\.conversation)) == [C.active, C.recent])
            #expect(recovered == day.reference.recovered.normalized)

        case .roundTrip:
            try await store.write(day.changes)
            let active = try #require(day.core.conversation(C.active))
            #expect(active.wireState == .active && active.rating != nil && !active.readMarkers.isEmpty)
            #expect(!active.members.isEmpty && active.properties.count == 2, "the record the case needs")
            let recovered = try await store.recover()
            #expect(recovered.conversations.first { $0.id == C.active } == active)
            #expect(Set(recovered.events.filter { $0.conversation == C.active }) == Set(day.reference.events[C.active]!.values))
            #expect(try await store.load(.conversation(C.rated)).records == [day.records[C.rated]!.last!])

        case .visitorErased:
            try await store.write(day.changes)
            try await store.write([.visitorErased("v1")])
            var reference = day.reference
            reference.apply([.visitorErased("v1")])
            let after = try await StoreSnapshot(of: store)
            #expect(after == StoreSnapshot(of: reference))
            #expect(after.recovered.conversations.map(\.id) == [C.recent], "v1's active conversation is gone, v4's stays")
            #expect(!after.recovered.events.contains { $0.conversation == C.active })
            #expect(after.archived.map(\.id) == [C.rated, C.abandoned], "v1's archived one is gone, the others stay")
            #expect(try await store.load(.conversation(C.billing)).events.isEmpty)
            #expect(after.found[0].allSatisfy { ![C.active, C.billing].contains($0.conversation) } && !after.found[0].isEmpty)

        case .purge:
            try await store.write(day.changes)
            let abandoned = try #require(day.ended[C.abandoned]), rated = try #require(day.ended[C.rated])
            let billing = try #require(day.ended[C.billing])
            #expect(abandoned < rated && rated < billing, "the script's order")
            #expect(try await store.purge(endedBefore: abandoned) == 0, "strictly before")
            #expect(try await store.purge(endedBefore: rated) == 1)
            #expect(try await store.load(.state(nil)).records.map(\.id) == [C.rated, C.billing])
            #expect(try await store.load(.conversation(C.abandoned)).events.isEmpty)
            let stillFound = try await store.search(TranscriptQuery(words: ["parcel"], teams: ["support"], limit: 10))
            #expect(stillFound.map(\.key) == ["c4#5", "c2#3"], "the purged conversation's events are gone")
            #expect(try await store.purge(endedBefore: rated) == 0)
            let future = day.now.adding(milliseconds: 365 * 86_400_000)
            #expect(try await store.purge(endedBefore: future) == 2, "every archived one; open and recently closed ones stay")
            #expect(try await store.recover().normalized == day.reference.recovered.normalized)
            #expect(try await store.load(.state(nil)).records.isEmpty)

        case .search:
            try await store.write(day.changes)
            let both: Set<String> = ["sales", "support"]
            func found(_ words: [String], _ teams: Set<String> = both) async throws -> [String] {
                let query = TranscriptQuery(words: words, teams: teams, limit: 100)
                let events = try await store.search(query)
                #expect(events == day.reference.search(query), "\(words) in \(teams.sorted())")
                return events.map(\.key)
            }
            // Whole words, any case, newest first; messages and notes, nothing else.
            #expect(try await found(["parcel"]) == ["c5#3", "c1#13", "c4#5", "c3#3", "c2#3", "c1#6", "c1#5", "c1#3"])
            #expect(try await found(["parcels"]) == ["c2#5"], "a whole word: parcel does not match parcels")
            #expect(try await found(["parc"]).isEmpty)
            #expect(try await found(["parcel", "monday"]) == ["c1#5"], "every word")
            #expect(try await found(["monday", "refund"]).isEmpty)
            #expect(try await found(["insurance"]) == ["c1#6"], "notes are found")
            #expect(try await found(["parcel"], ["support"]) == ["c4#5", "c3#3", "c2#3"], "the team filter")
            #expect(try await found(["parcel"], ["nobody"]).isEmpty)
            // A system event carrying text (the core writes none): not a message or note, not found.
            var properties = try #require(day.reference.events[C.active]?[5])
            properties.wire.kind = .properties
            properties.wire.cseq = 99
            try await store.write([.event(properties)])
            #expect(try await found(["monday"]) == ["c1#5"])

        case .searchPages:
            try await store.write(day.changes)
            let all = try await store.search(TranscriptQuery(words: ["parcel"], teams: ["sales", "support"], limit: 100))
            var pages: [[ChatEvent]] = []
            var before: Wire.SearchPosition?
            repeat {
                let page = try await store.search(TranscriptQuery(words: ["parcel"], teams: ["sales", "support"], before: before, limit: 2))
                pages.append(page)
                before = page.last.map(Wire.SearchPosition.init)
            } while pages.last?.count == 2
            #expect(all.count == 8 && pages.count == 5)
            #expect(pages.flatMap { $0 } == all, "pages in order, without overlap or gap")
            #expect(pages.allSatisfy { $0.count <= 2 })

        case .reopen:
            let reopen = try #require(subject.reopen)
            for batch in day.batches { try await store.write(batch) }
            let before = try await StoreSnapshot(of: store)
            let reopened = try await reopen()
            #expect(try await StoreSnapshot(of: reopened) == before)
            #expect(before.recovered.conversations.count == 2 && before.archived.count == 3)
        }
    }
}
