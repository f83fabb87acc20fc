import SluiceMeasure

/// `sluice eval url`: the URL parser against the web-platform-tests URL suite.
enum URLCommands {
    static let evalHelp = """
        usage: sluice eval url --suite PATH/urltestdata.json
          Parses every http/https case of the web-platform-tests URL suite and prints how many answers agree
          with the WHATWG URL Standard, then each disagreement with both answers. The suite is not shipped.
        """

    static func eval(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let path = try arguments.option("--suite") else { throw UsageError("eval url: --suite PATH is required") }
        try arguments.finish()
        let suite = try URLConformance(contentsOf: path)
        context.console.print(URLConformance.report(suite.run()))
        return 0
    }
}
