import ArgumentParser
import Foundation
import ParleyClient
import ParleyCore
import ParleyWire

/// `parley chat`: a terminal client, as a visitor or an agent — how a new user tries Parley.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat in the terminal as a visitor or an agent.",
        discussion: """
            Visitor: type a line to start a conversation and to write in it; /close, /rate N, /quit.
            Agent: you accept chats at once; assigned conversations are announced. Type a line to write
            in the current conversation; /to ID switches, /note TEXT, /transfer AGENT, /close, /list,
            /away, /back, /quit.
            """)

    enum Side: String, ExpressibleByArgument { case visitor, agent }

    @Option(name: .customLong("as"), help: "visitor or agent") var side: Side = .visitor
    @Option(help: "tcp://HOST:PORT or ws://HOST:PORT/parley") var endpoint = "tcp://127.0.0.1:7400"
    @Option(help: "With a ws:// endpoint: json or binary") var encoding = "json"
    @Option(help: "An agent token (printed by `parley serve`)") var token: String?

    func run() async throws {
        guard let target = Endpoint(endpoint, json: encoding != "binary") else { throw ValidationError("bad endpoint \(endpoint)") }
        if side == .agent && token == nil { throw ValidationError("--as agent needs --token (printed by parley serve)") }
        let auth = side == .agent ? Wire.Auth(scheme: "token", credential: token) : Wire.Auth(scheme: "anonymous")
        let client = ParleyClient(endpoint: target, auth: auth)
        try await client.connect()
        let view = ChatView()
        emit("connected to \(target) as \(side.rawValue); session \(client.sessionID ?? "?")")
        if side == .agent {
            view.report(try await client.request(.agentStatus(.init(rid: 0, routing: .accepting))))
            view.report(try await client.request(.subscribe(.init(rid: 0, topic: "presence:visitors"))))
        }
        let notifications = Task { for await note in client.notifications { await view.show(note) } }
        let (lines, input) = AsyncStream<String>.makeStream()
        Thread.detachNewThread {
            while let line = readLine() { input.yield(line) }
            input.finish()
        }
        for await line in lines {
            guard try await handle(line, client: client, view: view) else { break }
        }
        notifications.cancel()
        client.close()
    }

    /// Handles one input line; returns false to quit.
    private func handle(_ line: String, client: ParleyClient, view: ChatView) async throws -> Bool {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        let current = await view.current
        switch words.first ?? "" {
        case "/quit": return false
        case "/help": emit(Self.configuration.discussion)
        case "/to": await view.select(words.dropFirst().first)
        case "/list": view.report(try await client.request(.list(.init(rid: 0))))
        case "/away": view.report(try await client.request(.setPresence(.init(rid: 0, status: .away))))
        case "/back": view.report(try await client.request(.setPresence(.init(rid: 0, status: .online))))
        case "/close":
            if let current { view.report(try await client.request(.close(.init(rid: 0, conversation: current)))) }
        case "/rate":
            if let current, let score = UInt64(words.dropFirst().first ?? "") {
                view.report(try await client.request(.rate(.init(rid: 0, conversation: current, score: score))))
            }
        case "/note":
            if let current, let text = words.dropFirst().first {
                view.report(try await client.request(.note(.init(rid: 0, conversation: current, clientMessageId: Self.messageID(), text: text))))
            }
        case "/transfer":
            if let current, let agent = words.dropFirst().first {
                view.report(try await client.request(.transfer(.init(rid: 0, conversation: current, agent: agent))))
            }
        case "": break
        default:
            if let current {
                client.signal(.typing(.init(conversation: current, typing: false)))
                view.report(try await client.request(.send(.init(rid: 0, conversation: current, clientMessageId: Self.messageID(), text: line))))
            } else if side == .visitor {
                let result = try await client.request(.create(.init(rid: 0, text: line, clientMessageId: Self.messageID())))
                if case .ok(let ok) = result { await view.select(ok.conversation) }
                view.report(result)
            } else if let only = try await Self.onlyActiveConversation(client) {
                // Typed before the assignment was shown: it goes to the one conversation there is.
                await view.select(only)
                view.report(try await client.request(.send(.init(rid: 0, conversation: only, clientMessageId: Self.messageID(), text: line))))
            } else {
                emit("(no conversation selected: /list, then /to ID)")
            }
        }
        return true
    }

    /// The agent's one active conversation, if they have exactly one.
    private static func onlyActiveConversation(_ client: ParleyClient) async throws -> String? {
        guard case .conversations(let list) = try await client.request(.list(.init(rid: 0, state: .active))) else { return nil }
        let mine = list.conversations.filter { $0.agents.first.map { $0 == client.userID } ?? false }
        return mine.count == 1 ? mine[0].id : nil
    }

    private static func messageID() -> String { "m-" + UUID().uuidString.prefix(12).lowercased() }
}

/// Prints what arrives, one line each, and remembers the current conversation.
actor ChatView {
    private(set) var current: String?

    func select(_ conversation: String?) {
        current = conversation
        if let conversation { emit("-- now in \(conversation): type to write here, /help for commands") }
    }

    nonisolated func report(_ result: Message) {
        if case .error(let e) = result { emit("!! \(ErrorCode(rawValue: UInt32(e.code)).name): \(e.message)") }
        if case .conversations(let list) = result {
            for c in list.conversations { emit("   \(c.id) \(c.state.jsonName) visitor=\(c.visitor) agents=\(c.agents.joined(separator: ","))") }
        }
    }

    func show(_ note: ClientSession.Notification) {
        switch note {
        case .event(.event(let e)):
            let event = e.event
            if current == nil, event.kind == .assigned || event.kind == .created { select(event.conversation) }
            let who = event.sender ?? "system"
            switch event.kind {
            case .message: emit("[\(event.conversation)] \(who): \(event.text ?? "")")
            case .note: emit("[\(event.conversation)] (note) \(who): \(event.text ?? "")")
            default: emit("[\(event.conversation)] * \(event.kind.jsonName)\(event.agent.map { " \($0)" } ?? "")")
            }
        case .event(.invitation(let i)): emit("* invitation \(i.invitation) from \(i.agent): \(i.text ?? "")")
        case .event: break
        case .ephemeral(.typers(let t)):
            emit(t.typers.isEmpty ? "[\(t.conversation)] (nobody typing)" : "[\(t.conversation)] \(t.typers.map(\.user).joined(separator: ", ")) typing…")
        case .ephemeral(.queuePosition(let q)):
            let wait = q.estimatedWaitMs.map { ", about \(max(1, ($0 + 30_000) / 60_000)) min" } ?? ""
            emit("[\(q.conversation)] you are number \(q.position) in the queue\(wait)")
        case .ephemeral(.presence(let p)): emit("* \(p.user) is \(p.status.jsonName)\(p.page.map { " on \($0.url)" } ?? "")")
        case .ephemeral: break
        case .established(let session, let resumed): emit("* session \(session)\(resumed ? " resumed" : "")")
        case .resyncNeeded: emit("* some events may have been missed: /list and reopen history")
        case .error(let e): emit("!! \(ErrorCode(rawValue: UInt32(e.code)).name): \(e.message)")
        case .disconnected(let reason): emit("* disconnected: \(reason)")
        case .result, .outcomeUnknown: break
        }
    }
}
