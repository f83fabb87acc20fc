import Foundation
import Synchronization

/// Live progress on a terminal's standard error: one line per stage (done/total, rate, time left), redrawn
/// in place at most five times a second. When it finishes the lines stay, with the final figures. A command
/// gets one only when standard error is a terminal (`Context.progress`), so piped output never carries it.
/// A stage not named at the start gets its line when it first reports (a migration's tables).
public final class ProgressDisplay: Sendable {
    private struct Stage {
        var name: String
        var done = 0
        var total: Int?
        var started: Date?
    }

    private struct State {
        var stages: [Stage]
        var linesDrawn = 0
        var lastDraw = Date.distantPast
        var finished = false
    }

    private let console: Console
    private let state: Mutex<State>

    public init(console: Console, stages: [String]) {
        self.console = console
        state = Mutex(State(stages: stages.map { Stage(name: $0) }))
    }

    /// Records one stage's figures; redraws unless it drew less than 0.2 s ago.
    public func update(_ name: String, done: Int, total: Int?, now: Date = Date()) {
        update([(name, done, total)], now: now)
    }

    /// Records several stages' figures at once, then redraws (at most five times a second).
    func update(_ figures: [(name: String, done: Int, total: Int?)], now: Date = Date()) {
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            for figure in figures {
                let index = state.stages.firstIndex { $0.name == figure.name } ?? {
                    state.stages.append(Stage(name: figure.name))
                    return state.stages.count - 1
                }()
                if state.stages[index].started == nil { state.stages[index].started = now }
                state.stages[index].done = figure.done
                state.stages[index].total = figure.total
            }
            guard now.timeIntervalSince(state.lastDraw) >= 0.2 else { return nil }
            state.lastDraw = now
            return redraw(&state, now: now)
        }
        if let text { console.writeError(text) }
    }

    /// Draws the final figures once and stops drawing.
    public func finish(now: Date = Date()) {
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            return state.stages.contains { $0.started != nil } ? redraw(&state, now: now) : nil
        }
        if let text { console.writeError(text) }
    }

    /// The escape sequences that move back over the lines drawn last time and draw every stage again.
    private func redraw(_ state: inout State, now: Date) -> String {
        var text = state.linesDrawn > 0 ? "\u{1B}[\(state.linesDrawn)A" : ""
        let width = state.stages.map(\.name.count).max() ?? 0
        for stage in state.stages {
            text += "\r\u{1B}[K" + line(stage, width: width, now: now) + "\n"
        }
        state.linesDrawn = state.stages.count
        return text
    }

    /// `fetch  120/500  23.4/s  0:16 left`.
    private func line(_ stage: Stage, width: Int, now: Date) -> String {
        let name = stage.name.padding(toLength: width, withPad: " ", startingAt: 0)
        let count = stage.total.map { "\(stage.done)/\($0)" } ?? "\(stage.done)"
        var line = "\(name)  \(count)"
        guard let started = stage.started else { return line }
        let elapsed = now.timeIntervalSince(started)
        guard elapsed > 0.5, stage.done > 0 else { return line }
        let rate = Double(stage.done) / elapsed
        line += String(format: "  %.1f/s", rate)
        if let total = stage.total, total > stage.done {
            line += "  " + Self.duration(Double(total - stage.done) / rate) + " left"
        }
        return line
    }

    /// `0:16`, `12:05`, `1:02:03`.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
