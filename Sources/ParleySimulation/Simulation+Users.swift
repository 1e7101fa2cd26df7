import ParleyCore
import ParleyWire

/// The scripted users: visitors who start conversations, write, type, close, rate, peek at
/// others' conversations and leave; agents who answer, write notes, type, transfer, join,
/// close, change their routing status and go away mid-conversation.
extension Simulation {
    /// One action by a random user who is still around.
    mutating func act() {
        guard let u = random.pick(presentUsers), let name = users[u].name else { return }
        if users[u].isStaff { agentActs(u, name: name) } else { visitorActs(u, name: name) }
    }

    /// Conversations in which `name` is the visitor or a staff member, open or not.
    func conversations(of name: String, open: Bool) -> [String] {
        core.chat.conversationIDs.filter { id in
            guard let machine = core.chat.conversation(id), machine.isOpen == open else { return false }
            return machine.visitor == name || machine.staff.contains(name)
        }
    }

    mutating func visitorActs(_ u: Int, name: String) {
        let open = conversations(of: name, open: true)
        let target = random.pick(open)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<12 where open.count < 3:
            statistics.conversations += 1
            issue(.create(Wire.Create(rid: 0, text: "hello", clientMessageId: users[u].nextMessageID())), user: u)
        case 0..<55:
            guard let target else { return }
            let id = users[u].nextMessageID()
            issue(.send(Wire.Send(rid: 0, conversation: target, clientMessageId: id, text: id)), user: u)
        case 55..<70:
            guard let target else { return }
            signal(.typing(Wire.Typing(conversation: target, typing: true)), user: u)
        case 70..<74:
            guard let target else { return }
            signal(.typing(Wire.Typing(conversation: target, typing: false)), user: u)
        case 74..<79:
            guard let target else { return }
            issue(.close(Wire.Close(rid: 0, conversation: target)), user: u)
        case 79..<83:
            guard let closed = random.pick(conversations(of: name, open: false)) else { return }
            issue(.rate(Wire.Rate(rid: 0, conversation: closed, score: UInt64.random(in: 1...5, using: &random))), user: u)
        case 83..<90:
            // Sometimes someone else's conversation: it must stay invisible (CONV-30).
            guard let any = random.pick(core.chat.conversationIDs) else { return }
            issue(.history(Wire.History(rid: 0, conversation: random.chance(50) ? any : target ?? any)), user: u)
        case 90..<95:
            issue(.list(Wire.List(rid: 0)), user: u)
        default:
            guard let target else { return }
            issue(.leave(Wire.Leave(rid: 0, conversation: target)), user: u)
        }
    }

    mutating func agentActs(_ u: Int, name: String) {
        let mine = conversations(of: name, open: true)
        let target = random.pick(mine)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<38:
            guard let target else { return }
            let id = users[u].nextMessageID()
            issue(.send(Wire.Send(rid: 0, conversation: target, clientMessageId: id, text: id)), user: u)
        case 38..<48:
            guard let target else { return }
            let id = users[u].nextMessageID()
            issue(.note(Wire.Note(rid: 0, conversation: target, clientMessageId: id, text: "note " + id)), user: u)
        case 48..<60:
            guard let target else { return }
            signal(.typing(Wire.Typing(conversation: target, typing: true, internal: random.chance(30))), user: u)
        case 60..<64:
            guard let target else { return }
            issue(.close(Wire.Close(rid: 0, conversation: target)), user: u)
        case 64..<68:
            guard let target, let other = random.pick(users.filter { $0.isStaff && $0.name != name }.compactMap(\.name)) else { return }
            issue(.transfer(Wire.Transfer(rid: 0, conversation: target, agent: other)), user: u)
        case 68..<74:
            let routing: RoutingStatus = random.chance(75) ? .accepting : .notAccepting
            users[u].accepting = routing == .accepting
            let limit: UInt64? = random.chance(50) ? UInt64.random(in: 1...3, using: &random) : nil
            issue(.agentStatus(Wire.AgentStatus(rid: 0, routing: routing, maxConcurrent: limit)), user: u)
        case 74..<79:
            let others = core.chat.conversationIDs.filter { core.chat.conversation($0)?.wireState == .active && !mine.contains($0) }
            guard let other = random.pick(others) else { return }
            issue(.join(Wire.Join(rid: 0, conversation: other, mode: random.chance(50) ? .observer : .participant)), user: u)
        case 79..<84:
            guard let target else { return }
            issue(.history(Wire.History(rid: 0, conversation: target)), user: u)
        case 84..<88:
            guard let target else { return }
            issue(.leave(Wire.Leave(rid: 0, conversation: target)), user: u)
        case 88..<92:
            issue(.subscribe(Wire.Subscribe(rid: 0, topic: "presence:visitors")), user: u)
        default:
            guard let target else { return }
            signal(.typing(Wire.Typing(conversation: target, typing: false)), user: u)
        }
    }

    /// A client stops reading its connection for a while (a slow consumer).
    mutating func slowDown() {
        guard let u = random.pick(presentUsers) else { return }
        statistics.slowConsumers += 1
        let pause = UInt64.random(in: 2_000...90_000, using: &random)
        users[u].pausedUntil = now.adding(milliseconds: pause)
        if tracing { log("\(label(u)) stops reading for \(pause) ms") }
    }

    /// A user goes away: a visitor says goodbye for good (and a new visitor arrives), or
    /// vanishes for a while; an agent drops out mid-conversation and comes back later,
    /// within or outside the resume window and the disconnect grace.
    mutating func goAway() {
        guard let u = random.pick(presentUsers) else { return }
        statistics.departures += 1
        if !users[u].isStaff && random.chance(50) {
            if tracing { log("\(label(u)) leaves for good") }
            let actions = users[u].client.leave(now: now)
            users[u].lifecycle = .gone
            users[u].reconnectAt = nil
            perform(actions, user: u)
            clientCloses(u) // the host closes the transport even if the handshake had not finished
            addVisitor()
            return
        }
        let away = UInt64.random(in: 5_000...150_000, using: &random)
        if tracing { log("\(label(u)) goes away for \(away) ms") }
        if let id = users[u].link { breakLink(id, reconnectIn: away) } else { users[u].reconnectAt = now.adding(milliseconds: away) }
    }
}
