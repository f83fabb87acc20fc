/// The text of `--help` for every command.
enum Help {
    static let overview = """
        sluice — sifts volunteers' money-making intel into a moderated monthly column

        usage: sluice COMMAND [options]   (every command takes --help)

        intake
          submit URL --by VOLUNTEER [--note TEXT]   one link (or --note alone for note-only intel)
          import FILE... [--by VOLUNTEER]           batches: .jsonl, .csv (header row), .txt
        pipeline
          run [--pipeline FILE] [--replay WARC]     fetch → parse → dedup → classify until nothing is pending
          status                                    items per state, failures per stage
        moderation
          review list|show|approve|reject|log       the review queue and the audit log
        publication
          publish [--content DIR]                   approved items into the content store, once each
          export --month YYYY-MM --format md|html|json|atom [--out FILE]
        measurement
          eval charset [DIR] [--json]               charset decoding on the real-page corpus (../shared/corpus)

        common options
          --store PATH    the SQLite store (default ./sluice.db, or $SLUICE_STORE)
          --json          machine-readable output where a script would want it
        """

    static let submit = """
        usage: sluice submit [URL] --by VOLUNTEER [--note TEXT] [--json]

        Stores one piece of intel for the pipeline. With --note and no URL it is note-only intel.
        The same volunteer sending the same URL and note twice stores it once ("already present").
        When the link is already known, you are told which item it joins; it is still recorded, as
        corroboration and credit. Only http(s) links to a real host are accepted.

        options
          --by VOLUNTEER    who found it (credited in the column); required
          --note TEXT       what the volunteer says about it
          --pipeline FILE   pipeline file whose URL rules decide "already known" (default pipelines/default.json)
          --json            print {"id","status","known_as","known_state","source"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let importFiles = """
        usage: sluice import FILE... [--by VOLUNTEER] [--json]

        Imports batches. Formats, by file extension:
          .jsonl  one {"url": …, "note": …, "volunteer": …} object per line
          .csv    a header row naming url, note, volunteer columns (any order), RFC 4180 quoting
          .txt    one URL per line, optionally followed by white space and a note
        Every bad line is reported as FILE:LINE: reason; the good lines are still imported.
        Exit status 1 when any line was refused, 0 when all were imported or already present.

        options
          --by VOLUNTEER    the volunteer for lines that name none (every .txt line)
          --json            print {"submitted","already_present","rejected":[{"file","line","reason"}],"items"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let run = """
        usage: sluice run [--pipeline FILE] [--replay FILE.warc[.gz]] [--allow-host HOST[:PORT]]... [--json]

        Moves every pending item through fetch → parse → dedup → classify until none is left, then
        prints a summary. Stages run as Dispatch workers joined by bounded queues (sizes and worker
        counts from the pipeline file). Ctrl-C stops taking work, finishes what is in flight and
        exits; the next run continues where this one stopped (a second Ctrl-C exits at once, and
        nothing is lost either way: an item keeps its last committed state).

        options
          --pipeline FILE        pipeline definition (default pipelines/default.json)
          --replay FILE          answer fetches from recorded WARC responses instead of the network
          --allow-host HOST[:PORT]  let the fetcher reach this private/loopback address (repeatable)
          --json                 print the summary as JSON
          --store PATH           the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let status = """
        usage: sluice status [--json]

        Items per state, failures per stage with their most common errors, pages that reached
        review without text (captcha, not_html, …) and duplicates by the state of their original.
        """

    static let review = """
        usage: sluice review list [--state STATE|all] [--limit N] [--json]
               sluice review show ID... [--json]
               sluice review approve ID... --as MODERATOR [--category C] [--title T] [--version V]
               sluice review reject ID... --as MODERATOR --reason R [--text T] [--version V]
               sluice review approve|reject --as MODERATOR SELECTION [--yes] [reason options]
               sluice review log [--as MODERATOR] [--since YYYY-MM-DD] [--json]

        list     the review queue (pending_review, highest priority first) or any state; --json
                 prints every matching item unless --limit is given
        show     everything known about an item: page, flags, duplicates and who reported it
        approve  / reject: decide; every decision goes to the audit log. --version refuses the
                 decision if the item changed since you looked (stale view). Reject reasons:
                 duplicate, hype_scam, off_topic, low_quality, dead_link, other
        log      the audit log: who decided what, when and why

        bulk selections over the review queue (a dry-run count unless --yes is given):
          --where volunteer=NAME   --site HOST   --flag FAMILY|any|none   --problem CODE|any|none
          --cluster ID   --all     (several combine: an item must match them all)
        """

    static let publish = """
        usage: sluice publish [--content DIR] [--json]

        Writes each approved item once into the store's publication ledger and as a Markdown file
        with front matter under DIR (default ./content). Running it again publishes nothing twice.
        """

    static let export = """
        usage: sluice export --month YYYY-MM [--format md|html|json|atom] [--out FILE]

        The month's published intel grouped by category in a fixed order, with the month's figures
        and the volunteers' roll of honour. The same store always gives byte-identical output.
        Without --out the column goes to standard output.
        """
}
