import Foundation
import SluiceApp
import SluiceCore
import SluiceDedup
import SluicePipeline
import SluicePublish
import SluiceWeb

/// `sluice serve`: the web intake and the published column until SIGINT or SIGTERM.
enum ServeCommand {
    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let listen = try arguments.option("--listen") ?? "127.0.0.1:8080"
        let definition = try context.pipeline(&arguments)
        let baseURL = try checkedBaseURL(try arguments.option("--base-url"))
        let certificate = try arguments.option("--tls-cert")
        let key = try arguments.option("--tls-key")
        let trustedProxy = try arguments.option("--trusted-proxy")
        let memberTokenFile = try arguments.option("--member-token-file")
        let quiet = context.quiet
        var daemon = try listenAddress(listen)
        if let threads = try arguments.integer("--threads") { daemon.threads = max(1, threads) }
        if let limit = try arguments.integer("--max-connections") { daemon.connectionLimit = max(1, limit) }
        if let limit = try arguments.integer("--per-address-connections") { daemon.connectionsPerAddress = limit }
        if let seconds = try arguments.integer("--timeout") { daemon.idleTimeoutSeconds = max(1, seconds) }
        let perAddress = try arguments.integer("--rate-per-address")
        let perVolunteer = try arguments.integer("--rate-per-volunteer")
        try arguments.finish()

        switch (certificate, key) {
        case let (certificate?, key?): daemon.tls = TLSFiles(key: try readText(key, option: "--tls-key"),
                                                             certificate: try readText(certificate, option: "--tls-cert"))
        case (nil, nil): break
        default: throw UsageError("serve: --tls-cert and --tls-key go together")
        }
        if let trustedProxy, !isNumericAddress(trustedProxy) {
            throw UsageError("serve: --trusted-proxy takes a numeric address such as 127.0.0.1, not \"\(TerminalSafe.text(trustedProxy))\"")
        }
        var options = WebOptions(daemon: daemon, site: definition.site)
        if let baseURL { options.site.baseURL = baseURL }
        options.trustedProxy = trustedProxy
        if let perAddress {
            options.requestsPerMinutePerAddress = max(1, perAddress)
            options.addressBurst = max(1, perAddress / 5)
        }
        if let perVolunteer {
            options.submissionsPerMinutePerVolunteer = max(1, perVolunteer)
            options.submissionBurst = max(1, perVolunteer / 2)
        }
        if let memberTokenFile {
            let token = try readText(memberTokenFile, option: "--member-token-file").trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.utf8.count >= 16 else { throw UsageError("serve: the member token in \(TerminalSafe.text(memberTokenFile)) is shorter than 16 characters") }
            options.memberTokenSHA256 = Secrets.hash(token)
        }

        let store = try context.store(create: true)
        let canonicalizer = try URLCanonicalizer.load(definition.file(definition.rules.urlRules))
        let intake = IntakeService(store: store, canonicalizer: canonicalizer, clock: context.clock)
        let services = WebServices(intake: WebIntake(intake: intake, volunteers: VolunteerService(store: store)),
                                   invitations: InvitationService(store: store, clock: context.clock),
                                   publishing: PublishingService(store: store, clock: context.clock), clock: context.clock)
        let console = context.console
        let log: @Sendable (String) -> Void = { line in if !quiet { console.error(TerminalSafe.text(line)) } }
        let server: WebServer
        do throws(HTTPDaemonError) {
            server = try WebServer(options: options, services: services, log: log)
        } catch {
            context.console.error("serve: " + TerminalSafe.text(error.description))
            return 1
        }
        let scheme = daemon.tls == nil ? "http" : "https"
        let host = daemon.host.contains(":") ? "[\(daemon.host)]" : daemon.host
        context.say("serving on \(scheme)://\(host):\(server.port)/ (Ctrl-C stops)")
        let stopped = DispatchSemaphore(value: 0)
        let trap = SignalTrap(onFirst: { _ in stopped.signal() })
        stopped.wait()
        server.stop()
        trap.cancel()
        context.say("stopped")
        return 0
    }

    /// `HOST:PORT`, `[IPv6]:PORT`; `localhost` means 127.0.0.1.
    static func listenAddress(_ text: String) throws -> HTTPDaemonOptions {
        var host: Substring
        let port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") {
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            throw UsageError("serve: --listen takes HOST:PORT such as 127.0.0.1:8080, not \"\(TerminalSafe.text(text))\"")
        }
        if host == "localhost" { host = "127.0.0.1" }
        guard let number = UInt16(port), isNumericAddress(String(host)) else {
            throw UsageError("serve: --listen takes a numeric address and a port such as 127.0.0.1:8080, not \"\(TerminalSafe.text(text))\"")
        }
        return HTTPDaemonOptions(host: String(host), port: number)
    }

    private static func isNumericAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    private static func readText(_ path: String, option: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
            throw UsageError("serve: \(option) \(TerminalSafe.text(path)): cannot read the file as UTF-8 text")
        }
        return text
    }

    static func checkedBaseURL(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        do throws(SiteAddressError) {
            return try SiteOptions.checkedBaseURL(raw)
        } catch {
            throw UsageError("--base-url " + TerminalSafe.text(error.description))
        }
    }

    /// `--base-url`, else the pipeline file's `site.base_url` (`--pipeline`, or the default one when present).
    static func baseURL(_ arguments: inout Arguments, _ context: Context) throws -> String? {
        try PublishCommands.siteOptions(&arguments, context).baseURL
    }
}
