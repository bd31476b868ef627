-- policy.lua - infected mail and the policy of the first recipient's
-- sections: reject with the exact reply, defer, discard, quarantine, a
-- cleaned body, a tagged subject, an uncleanable message, an abort
dofile(LIB)
local conn = vconnect()
local body = "Content-Type: text/plain\r\n"
local mixed = { { "From", "a@example.org" }, { "To", "user@example.com" },
    { "Subject", "invoice" }, { "MIME-Version", "1.0" },
    { "Content-Type", "multipart/mixed; boundary=\"BB\"" } }
local virus = "Virus found: Eicar-Test-Signature"

show("reject", send(conn, "QREJECT", { "user@example.com" }, HDRS,
    EICAR .. "\r\n"))
show("reject 554 5.7.1", mt.eom_check(conn, MT_SMTPREPLY, "554", "5.7.1",
    virus))
show("reject marks", mt.eom_check(conn, MT_HDRINSERT) or
    mt.eom_check(conn, MT_HDRADD))

show("defer", send(conn, "QDEFER", { "defer@example.com" }, HDRS,
    EICAR .. "\r\n"))
show("defer 451 4.7.1", mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1",
    virus))

show("discard", send(conn, "QDISCARD", { "discard@example.com" }, HDRS,
    EICAR .. "\r\n"))

show("quarantine", send(conn, "QQUAR", { "quarantine@example.com" }, HDRS,
    EICAR .. "\r\n"))
show("quarantine reason", mt.eom_check(conn, MT_QUARANTINE, virus))
show("quarantine marks", mt.eom_check(conn, MT_HDRINSERT) or
    mt.eom_check(conn, MT_HDRADD))

-- the first recipient's sections decide for the whole message
show("discard first", send(conn, "QFIRST1",
    { "discard@example.com", "user@example.com" }, HDRS, EICAR .. "\r\n"))
show("discard second", send(conn, "QFIRST2",
    { "user@example.com", "discard@example.com" }, HDRS, EICAR .. "\r\n"))

-- the infected attachment replaced by a notice
show("clean", send(conn, "QCLEANED", { "clean@example.com" }, mixed,
    { file = "mixed.body" }))
show("clean X-Vigil-Result", mt.getheader(conn, "X-Vigil-Result", 0))
show("clean new body", mt.eom_check(conn, MT_BODYCHANGE,
    readfile("cleaned.body")))
show("clean subject", mt.eom_check(conn, MT_HDRCHANGE))

show("tag", send(conn, "QTAG", { "tag@example.com" }, mixed,
    { file = "mixed.body" }))
show("tag subject", mt.eom_check(conn, MT_HDRCHANGE, "Subject",
    "[VIRUS Eicar-Test-Signature] invoice"))
show("tag new body", mt.eom_check(conn, MT_BODYCHANGE,
    readfile("cleaned.body")))

-- a finding in a message that is not multipart cannot be removed
show("uncleanable", send(conn, "QUNCLEAN", { "clean@example.com" }, HDRS,
    EICAR .. "\r\n"))
show("uncleanable 554 5.7.1", mt.eom_check(conn, MT_SMTPREPLY, "554",
    "5.7.1", virus .. " (uncleanable)"))

-- an aborted message leaves nothing behind for the next one
mt.macro(conn, SMFIC_MAIL, "i", "QABORT")
must("mailfrom", mt.mailfrom(conn, "<sender@example.org>"))
must("rcptto", mt.rcptto(conn, "<discard@example.com>"))
must("header", mt.header(conn, "Subject", "aborted"))
must("eoh", mt.eoh(conn))
must("bodystring", mt.bodystring(conn, EICAR .. "\r\n"))
must("abort", mt.abort(conn))
show("after abort", send(conn, "QAFTER", { "user@example.com" }, HDRS,
    "Just text.\r\n"))
show("after abort X-Vigil-Result", mt.getheader(conn, "X-Vigil-Result", 0))
mt.disconnect(conn)
