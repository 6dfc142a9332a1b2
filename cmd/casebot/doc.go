// Command casebot answers questions about a collection of documents with
// quoted, cited passages, on the command line and as a Discord bot.
//
// Usage:
//
//	casebot ask [--json] [--explain] [--plain] [--corpus DIR] [--index DIR] [--read-only] [-k N] QUESTION...
//	casebot ask --json -
//	casebot search [--json] [--corpus DIR] [--index DIR] [--read-only] [-k N] QUERY...
//	casebot stage [--json] [--corpus DIR] [--index DIR] [--read-only] [-k N] [NUMBER]
//	casebot agency [--json] [--corpus DIR] [--index DIR] [--read-only] [-k N] [NAME...]
//	casebot factors [--json] [--corpus DIR] [--index DIR] [--read-only] [-k N]
//	casebot sources [--json] [--corpus DIR] [--index DIR] [--read-only]
//	casebot eval [-v] [--plain] [--min-top1 F] [--min-abstain F] [--min-valid F] [--corpus DIR] [--index DIR] [-k N] FILE...
//	casebot index --corpus DIR [--index DIR] [--full] [--dry-run] [--json]
//	casebot serve [--http ADDR] [--admin-addr ADDR] [--watch] [--watch-delay DURATION] [--admin-guilds IDS] [--env FILE] [--data DIR] [--rate N] [--corpus DIR] [--index DIR] [--read-only] [--log-format text|json] [--log-level LEVEL]
//	casebot version [--json]
//
// Flags may come before or after the arguments, with one dash or two;
// "casebot COMMAND -h" prints a command's flags. -k is 1 to 25 everywhere.
//
// Without --corpus, casebot uses the case study embedded in the binary, and
// indexes it in memory at each start unless --index names a directory. The
// index of a corpus directory is kept in DATA/index/NAME-HASH unless --index
// says otherwise, DATA being CASEBOT_DATA, else $XDG_DATA_HOME/casebot, else
// ~/.local/share/casebot: "casebot index --corpus X" and "casebot serve
// --corpus X" share it. CASEBOT_CORPUS and CASEBOT_INDEX set the defaults of
// both flags. An index directory must be new, empty or an index casebot made
// (it holds a CASEBOT-INDEX file); casebot refuses any other and touches
// nothing in it. One it cannot write is opened read-only, as --read-only
// asks: it is answered from, and nothing is written.
//
// ask prints the answer and numbered citations: the document's title and
// section, file:lines and the passage, which stands verbatim in those lines
// of the file. On a terminal the question's words are bold and citations
// dimmed, wrapped to the terminal's width; piped or with NO_COLOR, the text
// is plain. When the documents do not cover the question it says so and
// lists the closest passages. --explain shows how the question was read and
// how the best passages scored; --plain turns every mechanism off but BM25,
// for comparison.
//
// ask --json - reads one question a line from standard input and writes one
// JSON object a line, flushed after each, in input order:
//
//	{"question": "...", "answered": true, "answer": "...", "citations": [{"id": "...",
//	 "source": "article.md", "title": "...", "section": "...", "line_start": 12,
//	 "line_end": 12, "text": "verbatim passage", "score": 0.9, "highlights": [[0, 5]]}]}
//
// An unanswered question has no "citations" but "suggestions" (the closest
// passages) and a "note". An empty line, or one over 500 characters, gets an
// unanswered object too, so every line gets one. This shape is a stable
// contract; fields may be added.
//
// search lists the top passages of a plain BM25 search with their scores;
// stage, agency and factors are the lookups behind the bot's /stage, /agency
// and /factors; sources lists the indexed documents with their passage
// counts; eval scores question files (one JSON object a line: {"id", "q",
// "expect": [...]} or {"id", "q", "abstain": true}) and exits 1 below the
// bars given; version prints the module version and VCS revision.
//
// index builds the index of a corpus directory, or updates it: only added
// and changed documents are analysed, removed ones deleted; --full rebuilds
// it beside the current one and swaps it in; --dry-run prints what would
// change. It prints what was added, changed, removed, unchanged and skipped
// (with the reason), and the new version.
//
// serve runs the Discord bot: over the gateway, or with --http ADDR as the
// interactions endpoint. It reads DISCORD_TOKEN, DISCORD_APP_ID,
// DISCORD_GUILD_ID, DISCORD_PUBLIC_KEY, DISCORD_API_URL, SHARD_ID, SHARD_COUNT,
// CASEBOT_CORPUS, CASEBOT_INDEX, CASEBOT_DATA, CASEBOT_RATE,
// CASEBOT_MAX_UPLOAD, CASEBOT_WATCH, CASEBOT_WATCH_DELAY, CASEBOT_ADMIN_ADDR,
// CASEBOT_ADMIN_GUILDS, CASEBOT_LOG_FORMAT and CASEBOT_LOG_LEVEL from the
// environment and from .env (the environment wins; a flag wins over both);
// .env.example describes each. --watch reindexes when the corpus directory
// changes; --admin-addr serves /healthz and /metrics (Prometheus);
// --admin-guilds names the servers whose managers may change the documents
// from Discord (default: DISCORD_GUILD_ID's).
//
// Exit status: 0 for an answer or a "not found", 2 for a usage mistake, 1 for
// any other failure, each with a one-line reason on standard error.
package main
