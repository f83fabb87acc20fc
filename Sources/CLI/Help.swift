/// The text of `--help` for every command. Each page has a Simplified Chinese twin in
/// Core/Messages/Catalog/zh-help.json (keyed by command name, "" for the overview): ChineseHelpTests fails when
/// a command has none, or when the two name different options or commands, so an edit here is made there too.
enum Help {
    static let overview = """
        sluice — sifts volunteers' money-making intel into a moderated monthly column

        usage: sluice COMMAND [options]   (every command takes --help)

        store
          init                                      create an empty store (intake creates one too)
          migrate --from STORE --to STORE           copy a whole store (SQLite → PostgreSQL), verified
        intake
          submit URL --by VOLUNTEER [--note TEXT]   one link (or --note alone for note-only intel)
          import FILE... [--by VOLUNTEER]           batches: .jsonl, .csv (header row), .txt
        pipeline
          run [--pipeline FILE] [--replay WARC]     fetch → parse → dedup → classify until nothing is pending
          status                                    items per state, failures per stage
          bench fetch --urls FILE                   the fetcher's pages/s and peak RSS over a URL list
          archive export --out FILE.warc[.gz]       every stored response as WARC/1.1 (replayable)
        moderation
          review list|show|approve|reject|log       the review queue and the audit log
          review --as MODERATOR [--lines]           the review screen (line mode without a terminal)
          volunteer status --by VOLUNTEER           where each of a volunteer's submissions stands
          volunteer invite NAME | revoke NAME       a volunteer's personal link to the web intake
        web
          serve [--listen 127.0.0.1:8080]           the volunteers' web intake and the published column
        classifier
          train [--with-samples FILE] [--dry-run]   rebuild the model from the moderators' decisions
          eval classify [--labeled FILE|--from-store] [--folds K]   cross-validated accuracy
          bench classify [--train-items N]          training time and memory, items/s for rules + model
          rules test [--rules FILE]                 dry run of a rules file over the stored items
          reprocess --stage classify                re-classify the review queue with the current rules
        publication
          publish [--content DIR]                   approved items into the content store, once each
          export --month YYYY-MM --format md|html|json|atom [--out FILE] [--base-url URL]
          unpublish ID... --reason TEXT --as NAME   retract: file removed, record kept, audited
          recheck --month YYYY-MM                   are the month's sources alive, changed or deleted?
          volunteers [--month YYYY-MM]              contributions, acceptance rate and tags per volunteer
        duplicates
          why-dup ID                                why an item was merged into its cluster
          unlink ID --as NAME                       split a wrong cluster: the item becomes its own again
          eval dedup [DIR]                          precision and recall of duplicate detection on the corpus
          bench dedup [--count N]                   band index lookups/s and memory against a linear scan
          reprocess --stage dedup                   re-key every stored item with the current URL rules
        parse
          extract FILE|URL [--content-type T]       every field the parse stage extracts from one page
          eval extract DIR                          extraction quality on a labelled corpus
          bench parse DIR [--repetitions N]         parse + extraction speed beside libxml2 alone
        measurement
          eval charset [DIR] [--json]               charset decoding on the real-page corpus (../shared/corpus)

        service
          run --watch [--inbox DIR]                 keep running: new submissions, files dropped into DIR,
                                                    scheduled recheck, retraining and export (see run --help)
          backup --out FILE                         a consistent copy of the store, made while it is in use
          check                                     integrity, schema version and orphan rows of the store
          config show | print NAME                  the configuration files in force and where each came from
          help --man | --completion bash|zsh        the manual page sluice(1) and the shell completions

        common options (before or after the command: sluice --store X review list)
          --store STORE       a SQLite file (PATH or sqlite:PATH) or a PostgreSQL store
                              (postgres://user@host:port/db; the password from the URL, PGPASSWORD or
                              ~/.pgpass); default ./sluice.db, or $SLUICE_STORE
          --pipeline FILE     the pipeline file (default: pipeline.json in $SLUICE_HOME or /etc/sluice,
                              else the one built into sluice; see sluice config --help)
          --json              machine-readable output where a script would want it
          --quiet             no notes and no progress lines; results and errors are still printed
          --lang en|zh        the language of messages (default from $SLUICE_LANG or $LANG)
          --log-format text|json   lines on standard error as text, or one JSON object each (journald)
          --version           sluice's version and the libraries it runs on

        exit status
          0    done
          1    done, but some input was refused or some work failed (each named on standard error);
               check: the store is not sound
          2    usage error, or the environment is not right: no store at the location, a read-only store
               asked to write, a database that cannot be reached, a configuration file that cannot be read
               or is invalid
          130  interrupted (Ctrl-C, SIGTERM): in-flight work was finished, nothing is lost;
               run --watch stopped by SIGTERM exits 0

        environment
          SLUICE_STORE    the store when --store is not given
          SLUICE_HOME     a folder of configuration overrides (pipeline.json, rules.json, …)
          SLUICE_LANG     the language of messages when --lang is not given
          NO_COLOR        when set and not empty, no colours (they are only used on a terminal anyway)
          PGPASSWORD      the PostgreSQL password when the URL has none

        files
          /etc/sluice/      system-wide configuration overrides, file by file (pipeline.json, url-rules.json,
                            rules.json, blocked-pages.json, import-headers.json)
          /var/lib/sluice/  the store, inbox and exported columns of the systemd units (sluice.service runs
                            run --watch, sluice-serve.service runs serve; scripts/install.sh installs them)
        """

    static let initialize = """
        usage: sluice init [--store STORE] [--json]

        Creates an empty store at STORE (a SQLite file, or the tables in a PostgreSQL database) at the
        current schema. A store that exists already is checked and left as it is. Commands that only read
        (status, review, export, …) never create a store: on a location without one they say so and exit 2.
        """

    static let migrate = """
        usage: sluice migrate --from STORE --to STORE [--json]

        Copies a whole store into another one — typically the SQLite file into a PostgreSQL database
        (postgres://user@host:port/db) when a community outgrows one machine — and verifies the copy:
        for every table the rows on each side and a SHA-256 over all their values are printed.
        The target must hold no items; running it again on a target that already holds exactly the
        source's rows copies nothing and verifies again, so a migration is never doubled.
        Exit status 0 when verified, 1 when a table differs, 2 when a store cannot be opened.
        """

    static let backup = """
        usage: sluice backup --out FILE [--json]

        Copies the whole SQLite store into FILE (a new file: an existing one is never replaced) with
        SQLite's online backup API: one consistent snapshot, made while runs, the service and moderators go
        on writing. The copy is written beside FILE, checked (integrity, items, schema version) and only
        then given its name. FILE is itself a store: sluice --store FILE status reads it. A PostgreSQL
        store is backed up with pg_dump (exit 2). Exit status 1 when the copy fails its integrity check.
        """

    static let check = """
        usage: sluice check [--json]

        Checks the store: the database's own integrity check (SQLite: PRAGMA integrity_check and
        foreign_key_check), the schema version against the one this sluice writes, and orphan rows
        (submissions, captures, decisions, publications… of a missing item; items without their
        submission; duplicates of a missing item). Reads only; works on a read-only store.
        Exit status 0 when the store is sound, 1 when not (what is wrong is printed), 2 when there is
        no store.
        """

    static let submit = """
        usage: sluice submit [URL] --by VOLUNTEER [--note TEXT] [--refetch] [--json]

        Stores one piece of intel for the pipeline. With --note and no URL it is note-only intel.
        The same volunteer sending the same URL and note twice stores it once ("already present").
        When the link is already known, you are told which item it joins and your report is recorded at
        once, credited to you, without fetching the page again (--refetch fetches it anyway). Only http(s)
        links to a public host are accepted.

        options
          --by VOLUNTEER    who found it (credited in the column); required
          --note TEXT       what the volunteer says about it
          --refetch         fetch a link that is already known again (its report is credited either way)
          --pipeline FILE   pipeline file whose URL rules decide "already known" (default pipelines/default.json)
          --json            print {"id","status","known_as","known_state","known_since","source"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let importFiles = """
        usage: sluice import FILE... [--by VOLUNTEER] [--pipeline FILE] [--json]

        Imports batches. Formats, by content (a ZIP archive is a workbook) or file extension:
          .jsonl       one {"url": …, "note": …, "volunteer": …} object per line
          .txt         one URL per line, optionally followed by white space and a note
          .csv, .tsv   a form tool's export: a header row, RFC 4180 quoting (fields may hold line
                       breaks), UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030
          .xlsx        the first sheet of a workbook (腾讯问卷, 问卷星, 金数据, Excel, WPS)
        Table headers may use any name in pipelines/import-headers.json: 链接/网址/URL/link,
        备注/说明/内容/note, 提交人/昵称/微信号/volunteer, 提交时间/submitted_at (kept as the
        volunteer's own time, Beijing time unless it says otherwise); 序号, 来自IP, 来源 and the
        other listed extras are ignored; an unknown column is an error naming what was found.
        Every bad line or row is reported as FILE:LINE: reason (for .xlsx the sheet's row number);
        the good ones are still imported.
        Exit status 1 when any line was refused, 0 when all were imported or already present.

        options
          --by VOLUNTEER    the volunteer for lines that name none (every .txt line)
          --pipeline FILE   the pipeline file whose rules name the header file (default pipelines/default.json)
          --json            print {"submitted","already_present","rejected":[{"file","line","reason"}],"items"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let run = """
        usage: sluice run [--pipeline FILE] [--replay FILE.warc[.gz]] [--allow-host HOST[:PORT]]... [--stats] [--json]
               sluice run --watch [--inbox DIR [--by VOLUNTEER]] [--pipeline FILE] [--allow-host HOST[:PORT]]...

        Moves every pending item through fetch → parse → dedup → classify until none is left, then
        prints a summary. Each stage's workers (one thread each, joined by Dispatch groups) are
        connected by bounded queues (sizes and worker counts from the pipeline file); the fetcher's
        thread only transfers, and the parse workers decode and judge every page. Ctrl-C stops taking work, finishes what is in flight and
        exits; the next run continues where this one stopped (a second Ctrl-C exits at once, and
        nothing is lost either way: an item keeps its last committed state). On a terminal, one live
        line per stage shows done/total, rate and time left (never when standard error is piped).

        --watch keeps running, as a service does (see the systemd unit in dist/): new submissions are
        processed as they arrive (sluice submit, imports, other hosts: the store says when), files
        dropped into the inbox are imported, and the jobs of the pipeline file's "service" section
        run on schedule (UTC): recheck of this month's sources daily, retraining from the moderators'
        decisions weekly, last month's column exported to files (column-YYYY-MM.md …) on the 1st.
        Each job run is recorded in the store, so several instances run it once; a failed one is
        tried again (retry_after_minutes, max_attempts) and shown by sluice status. One line per event
        on standard error (--log-format json for journald). SIGTERM (or Ctrl-C) finishes the in-flight
        work and exits 0 (130 for Ctrl-C); SIGHUP reads the pipeline file and its rule files again.

        The inbox: each file (.jsonl, .txt, .csv, .tsv, .xlsx, as sluice import reads them) is
        imported once it has stopped changing, then moved to DIR/done/ (or DIR/failed/ when the file or
        any of its lines was refused) with NAME.report.txt beside it. Its SHA-256 is recorded in the
        store, so the same bytes seen again (after a crash, or dropped twice) are only moved. Files
        whose names end in .part, .tmp or ~, and hidden files, are left alone while being written.

        options
          --pipeline FILE        pipeline definition (default: see sluice config show)
          --replay FILE          answer fetches from recorded WARC responses instead of the network
          --allow-host HOST[:PORT]  let the fetcher reach this private/loopback address (repeatable)
          --stats                also print, per stage, items in/out/failed, busy, idle and blocked seconds
                                 and the queue's bound and high-water mark (always in --json, as "stages")
          --json                 print the summary as JSON
          --watch                keep running (see above)
          --inbox DIR            with --watch: import files dropped into DIR
          --by VOLUNTEER         with --inbox: the volunteer for lines that name none (every .txt line)
          --store PATH           the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let status = """
        usage: sluice status [--json]

        Items per state, failures per stage with their most common errors, pages that reached
        review without text (captcha, not_html, …), duplicates by the state of their original, and
        the scheduled jobs of sluice run --watch: the latest run of each and every failed one, with
        its attempts and when it is tried again ("jobs" in --json).
        """

    static let review = """
        usage: sluice review list [--state STATE|all] [--limit N] [--after ID] [--json | --jsonl]
               sluice review show ID... [--json]
               sluice review approve ID... --as MODERATOR [--category C] [--title T] [--version V]
               sluice review reject ID... --as MODERATOR --reason R [--text T] [--version V]
               sluice review approve|reject --as MODERATOR SELECTION [--yes] [reason options]
               sluice review log [--as MODERATOR] [--since YYYY-MM-DD] [--json]
               sluice review unlink ID --as MODERATOR   (split a wrong duplicate cluster; see sluice unlink --help)
               sluice review --as MODERATOR [--lines] [--json]

        list     the review queue (pending_review, highest priority first) or any state (by id);
                 text shows 50 items unless --limit N says how many. --json prints every matching
                 item as one array, --jsonl one object a line (the array's elements), both by id and
                 read from the store a page at a time, so a long list takes little memory; --limit
                 stops them after N. --after ID lists the items with a greater id, by id (0: from the
                 first), so a script pages with --jsonl --limit N --after LAST, LAST being the last id
                 it read, until a page comes back short. When items are left, text ends with the
                 line "next page: --after ID" (JSON adds nothing).
        show     everything known about an item: page, flags, duplicates and who reported it
        approve  / reject: decide; every decision goes to the audit log. --version refuses the
                 decision if the item changed since you looked (stale view). Reject reasons:
                 duplicate, hype_scam, off_topic, low_quality, dead_link, other
        log      the audit log: who decided what, when and why (decisions, edits and undos)
        --as M   without a subcommand: the review screen, one item at a time, highest priority
                 first. On a terminal, keys (a approve, r reject, e edit, s skip, u undo, v view,
                 j/k move, ? help, q quit); with --lines or without a terminal, one command per
                 line on standard input: a, r N [text], e FIELD VALUE, s, u, v, j, k, ?, q.
                 Every decision is saved at once; each item is claimed while shown, so two
                 moderators never get the same item. --json prints the session's counts.

        bulk selections over the review queue (a dry-run count unless --yes is given):
          --where volunteer=NAME   --site HOST   --flag FAMILY|any|none   --problem CODE|any|none
          --cluster ID   --all     (several combine: an item must match them all; --flag counts
                                    the flags an item promotes, not those it warns against)
        """

    static let publish = """
        usage: sluice publish [--content DIR] [--json]

        Writes each approved item once into the store's publication ledger and as a Markdown file
        with front matter under DIR (default ./content). Running it again publishes nothing twice.
        The file carries the evidence frozen when the item was approved (extracted text, SHA-256,
        capture date), so members keep the intel when the source is deleted.
        """

    static let unpublish = """
        usage: sluice unpublish ID... --reason TEXT --as MODERATOR [--content DIR] [--json]

        Retracts published items: the content file under DIR (default ./content) is removed, the
        ledger entry is kept and marked retracted, and the audit log records who and why. The item
        goes back to approved; a later publish puts it in the column of the month it is republished
        in, never in two columns. Unknown ids and items that are not published are refused (exit 1).
        """

    static let recheck = """
        usage: sluice recheck --month YYYY-MM [--pipeline FILE] [--allow-host HOST:PORT]... [--json]

        Fetches the sources of the month's published items again and marks each alive (same text
        as the evidence), changed (different text) or deleted (404, 410, a deletion notice). The
        column then says "source deleted on …; evidence captured on …". Answers that say nothing
        about the article (5xx, timeouts, captchas) keep the previous state and give exit 1.
        --allow-host lets a private address through the fetch gate, as for sluice run.
        """

    static let volunteers = """
        usage: sluice volunteers [--month YYYY-MM] [--json]

        Per volunteer: submissions (in the month by submission date, or all time), accepted
        (approved or published, a report of a duplicate counting with its story), rejected,
        pending and failed, the acceptance rate (accepted among decided) and the categories
        of the accepted items. --json prints [{"name","submissions","accepted","rejected",
        "pending","failed","acceptance_rate","tags"}].
        """

    static let export = """
        usage: sluice export --month YYYY-MM [--format md|html|json|atom] [--out FILE]
                             [--base-url URL] [--pipeline FILE]

        The month's published intel grouped by category in a fixed order, with the month's figures
        and the volunteers' roll of honour. The same store always gives byte-identical output.
        Without --out the column goes to standard output.

        The feeds (json, atom) need the address the exports are served from: site.base_url in the
        pipeline file (pipelines/default.json unless --pipeline names another), or --base-url URL.
        The month's files are expected there as column-YYYY-MM.html, .atom and .json; entry ids are
        tag: URIs of that host. Without a base URL a feed is refused (exit 1).
        """

    static let unlink = """
        usage: sluice unlink ID --as MODERATOR [--json]
               (also: sluice review unlink ID --as MODERATOR)

        Splits a wrong cluster: item ID (a duplicate) leaves the cluster it was merged into and
        becomes its own item. A duplicate goes back to deduplicated, so the next sluice run
        classifies it and queues it for review. Its dedup keys stay (later reports still find it),
        but it is never matched to that cluster again. Recorded in the audit log (review log).

        options
          --as MODERATOR   who split it (audited); required
          --json           print {"id","root","state","decision_id"}
          --store PATH     the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let whyDup = """
        usage: sluice why-dup ID [--pipeline FILE] [--json]

        Why item ID was judged a duplicate: for a URL match, the key both items share and the
        normalization steps that turned each one's URL into it; for a content match, the
        fingerprint distance, the shingle similarity and the passages the two texts share.
        Exit status 1 when the item is not a duplicate.

        options
          --pipeline FILE  pipeline file whose URL rules and dedup options explain (default pipelines/default.json)
          --json           print {"id","duplicate_of","kind","evidence","shared_key",
                           "derivations":[{"id","url","steps"}],"content":{"distance","similarity","match","shared_passages"}}
        """

    static let evalDedup = """
        usage: sluice eval dedup [DIR] [--pipeline FILE] [--json]

        Duplicate detection measured on a labelled set built from the page corpus in DIR (default
        ../shared/corpus): URL variants (tracking parameters, cosmetic changes, short links) and
        content variants (another template, truncated, a paragraph changed) against different
        pages of the same sites. Prints precision and recall for URL and content duplicates
        separately, with the thresholds of the pipeline file.
        """

    static let benchDedup = """
        usage: sluice bench dedup [--count N] [--pipeline FILE] [--json]

        Inserts N fingerprints (default 1,000,000) into the SimHash band index and the MinHash LSH
        index and looks up planted near-duplicates: lookups/s, memory (VmRSS, VmHWM) and, in the
        same run, a plain linear scan as the reference.
        """

    static let reprocessDedup = """
        usage: sluice reprocess --stage dedup [--pipeline FILE] [--json]

        Recomputes the dedup keys (canonical URLs and fingerprints) of every item that has been
        through dedup with the current URL rules and fingerprint options, in one transaction, and
        records their versions. sluice run does this by itself when the versions changed; clusters
        already formed are kept.

        options
          --json           print {"stage","version","rekeyed"}
        """

    static let volunteer = """
        usage: sluice volunteer status --by VOLUNTEER [--json]
               sluice volunteer invite NAME [--base-url URL] [--json]
               sluice volunteer revoke NAME

        status: each of the volunteer's submissions, oldest first, with where it stands: queued, duplicate
        of #N (and what became of that item), approved, published, rejected with the reason, or
        failed with the problem. Exit status 1 when no volunteer has that name.

        invite: a personal link to the web intake (sluice serve) for NAME, holding a new random token
        (192 bits). The link opens the volunteer's page: a form for a link and a note, and their own
        submissions with their fate. Only the token's SHA-256 is stored, so the link printed now is the
        only copy; inviting the same name again ends the old link. The token also serves the API
        (Authorization: Bearer TOKEN).

        revoke: ends NAME's link (and API token) at once. Exit status 1 when NAME had none.

        options
          --by VOLUNTEER    the volunteer, as they submitted (status)
          --base-url URL    where sluice serve is reached, e.g. https://intake.example/ (invite; default the
                            pipeline's site.base_url, else http://127.0.0.1:8080/)
          --json            status: [{"id","url","note","title","submitted_at","status","words",
                            "duplicate_of","reason","problem","root_state","published_month"}];
                            invite: {"volunteer","link","token"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let serve = """
        usage: sluice serve [--listen HOST:PORT] [--base-url URL] [options]

        Serves the volunteers' web intake and the published column until interrupted (Ctrl-C, SIGTERM):
          /v/TOKEN                  a volunteer's invitation link (sluice volunteer invite): opens their page
          /me                       the form (link and note, or a note alone) and their own submissions
          POST /api/v1/submissions  the API: Authorization: Bearer TOKEN, JSON {"url","note"},
                                    Idempotency-Key header; GET /api/v1/submissions/ID, /api/v1/me/submissions
          /column/YYYY-MM           the month's column (the HTML of sluice export), /column the newest
          /feed.atom, /feed.json    the newest column's feeds (need --base-url or site.base_url)
        Submissions go through the same validation and store as sluice submit; nothing here can approve or
        reject. Pages are Chinese, English when the browser prefers it. One line per request goes to
        standard error (the route and the volunteer's name, never a token).

        options
          --listen HOST:PORT        numeric address and port (default 127.0.0.1:8080, loopback only);
                                    [::1]:8080 for IPv6, 0.0.0.0:8080 for every interface
          --base-url URL            the public address of this server (feeds' links and ids); default the
                                    pipeline's site.base_url
          --tls-cert FILE --tls-key FILE   serve HTTPS itself (PEM files) instead of behind a reverse proxy
          --trusted-proxy ADDRESS   believe X-Forwarded-For only from this peer address (the reverse proxy)
          --member-token-file FILE  the column and feeds need this shared token (Authorization: Bearer, or
                                    ?member=TOKEN); without it they are public
          --threads N               polling threads (default 4); slow clients hold a connection, not a thread
          --max-connections N       connections at once (default 512)
          --per-address-connections N   connections at once from one address (default 64)
          --timeout SECONDS         idle seconds before a connection is closed (default 15)
          --rate-per-address N      requests per minute from one address (default 600, bursts of 120)
          --rate-per-volunteer N    submissions per minute of one volunteer (default 20, bursts of 10)
          --pipeline FILE           URL rules and site section (default pipelines/default.json)
          --store PATH              the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let train = """
        usage: sluice train [--with-samples FILE] [--dry-run] [--pipeline FILE] [--json]

        Rebuilds the classifier from the moderators' decisions in the store: approved and published
        items against rejected ones, each with the category it kept. A category a moderator set is
        taught; one left as the classifier gave it counts on an approval and is not learnt from on a
        rejection. Once moderators have set the category on taught_categories_minimum decisions
        (default 20), the model's category is what items get unless an override rule matches.
        Nothing else is used unless --with-samples names a labelled JSON Lines file
        ({"title","text","note","category","approved"} per line). The model is stored with its training
        date and size and carries its version (a digest of its bytes), which every item it classifies
        records; sluice run uses the newest. An empty store, or one with a single category and a single
        verdict, is refused with a message (exit status 1).

        Retraining is automatic too: at the start of sluice run, when retrain_after_decisions (under
        "classify" in the pipeline file, default 50) approve/reject decisions were made since the newest
        model was trained, the model is rebuilt from the store first (a note on standard error).

        options
          --with-samples FILE   add these labelled samples to the store's decisions
          --dry-run             train, store nothing, and show what the new model would change in the
                                review queue: items whose category, verdict (P(approve) across 0.5) or
                                place in the queue would change, counted, with a sample
          --pipeline FILE       pipeline file whose "classify" options apply (default pipelines/default.json)
          --json                print {"examples","from_store","from_samples","approved","rejected",
                                "moderator_categories","categories","trained_at","model_bytes","model_version",
                                "replaced"};
                                with --dry-run {"model_before","model_after","examined","category_changed",
                                "verdict_changed","order_changed","sample"}
        """

    static let evaluate = """
        usage: sluice eval classify [--labeled FILE | --from-store] [--task approve|category|both]
                                    [--label-map FROM=TO,…] [--part tune|report] [--folds K]
                                    [--write-folds FILE] [--set KEY=VALUE]… [--pipeline FILE] [--json]

        k-fold cross-validation (stratified, fixed seed) of the classifier. Approve/reject: accuracy of
        P(approve) ≥ 0.5 beside the rules' own verdict, the Brier score, a reliability table (10 bins:
        count, mean P(approve), share approved) and how the uncertain items fared. Categories: accuracy
        of the classifier (the model's category unless an override rule matches), of the combination it
        replaced (the rules unless the model was sure), of the model and of the rules alone, per-category
        precision and recall, and the confusion matrix.

        FILE is samples/labeled.jsonl unless --labeled names another, in the samples' format or as
        {"text","label"} lines (the sets in ../shared/classify): verdict labels (spam → reject, ham →
        approve) make an approve set, other labels a category set, unless --task says which.

        options
          --labeled FILE       labelled JSON Lines file (default samples/labeled.jsonl)
          --from-store         evaluate on the store's decisions (--store PATH or $SLUICE_STORE)
          --task TASK          approve, category (for {"text","label"} files) or both (the samples)
          --label-map A=B,…    rename labels first (junk=spam, 体育=sports); repeatable
          --part HALF          measure one half of a stratified seeded split: tune it on one, report the other
          --folds K            number of folds (default cross_validation_folds, 5)
          --write-folds FILE   write each line's fold (-1 when outside --part), for scripts/bench-classify.sh
          --set KEY=VALUE      override a "classify" option for this run (learner=logistic,
                               regularization=10, ngram_sizes=[1,2]); repeatable
          --json               print the report as JSON
        """

    static let bench = """
        usage: sluice bench classify [--labeled FILE]… [--train-items N | --from-store] [--seconds S]
                                     [--set KEY=VALUE]… [--pipeline FILE] [--json]

        Training: time (wall and CPU), items/s and peak memory (VmHWM) of training the model, beside
        one pass of feature hashing over the same items; with --train-items N on N items drawn from the labelled files with
        variation (a character or two dropped, a digit changed, a piece of a same-label item appended).
        Then items per second for the rules, the model and both together, beside a naive per-term
        search, on the labelled items (or with --from-store on every stored item with the stored
        model). Runs about S seconds (default 2) per throughput measurement.

        options
          --set KEY=VALUE   override a "classify" option for this run, as in sluice eval classify
        """

    static let rules = """
        usage: sluice rules test [--rules FILE] [--pipeline FILE] [--json]

        A dry run with the production engine over every classified item in the store (the review
        queue and decided items): hit counts per rule under the pipeline's rules and under FILE, and
        the items whose category or flags would change against what is stored. Rules marked "shadow"
        are counted and their effect listed separately; they are never applied. Nothing is written.
        Without --rules, the pipeline's current rules file is compared with what is stored.

        options
          --rules FILE     the candidate rules (default: the pipeline's rules file)
          --json           print {"dry_run":{"hits","changes","shadow_changes",…},"pending_changed"}
        """

    static let reprocess = """
        usage: sluice reprocess --stage classify [--pipeline FILE] [--json]

        Re-classifies every item waiting in the review queue with the current rules and the stored
        model: category (a category a moderator set is kept), flags, P(approve) and priority. One
        transaction per batch (store.commit_batch); each change is recorded as a classify transition.
        Items decided meanwhile are left alone.

        options
          --stage STAGE    the stage to run again: classify
          --json           print {"stage","rule_version","model","examined","written",
                           "category_changed","flags_changed","skipped"}
        """
}
