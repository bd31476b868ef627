-- tempfail.lua - with vigild stopped every message is deferred: 451 4.7.1
dofile(LIB)
local conn = vconnect()

show("vigild down", send(conn, "QDOWN", { "user@example.com" }, HDRS,
    "Just text.\r\n"))
show("vigild down 451 4.7.1", mt.eom_check(conn, MT_SMTPREPLY, "451",
    "4.7.1", "Temporary failure: message not scanned, try again later"))
show("vigild down marks", mt.eom_check(conn, MT_HDRINSERT) or
    mt.eom_check(conn, MT_HDRADD))
show("infected, vigild down", send(conn, "QDOWN2", { "user@example.com" },
    HDRS, EICAR .. "\r\n"))
show("infected, vigild down 451 4.7.1", mt.eom_check(conn, MT_SMTPREPLY,
    "451", "4.7.1", "Temporary failure: message not scanned, try again later"))
mt.disconnect(conn)
