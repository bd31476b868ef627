-- clean.lua - what the filter asks for, and a clean message: accepted with
-- X-Vigil-Result and X-Virus-Scanner inserted on top, body untouched
dofile(LIB)
local conn = vconnect()

show("action ADDHDRS", mt.test_action(conn, SMFIF_ADDHDRS))
show("action CHGHDRS", mt.test_action(conn, SMFIF_CHGHDRS))
show("action CHGBODY", mt.test_action(conn, SMFIF_CHGBODY))
show("action QUARANTINE", mt.test_action(conn, SMFIF_QUARANTINE))
show("reply", send(conn, "QCLEAN1", { "user@example.com" }, HDRS,
    "Just text.\r\n"))
show("X-Vigil-Result", mt.getheader(conn, "X-Vigil-Result", 0))
show("X-Virus-Scanner", mt.getheader(conn, "X-Virus-Scanner", 0))
show("inserted at 0", mt.eom_check(conn, MT_HDRINSERT, "X-Vigil-Result",
    "clean", 0))
show("inserted at 1", mt.eom_check(conn, MT_HDRINSERT, "X-Virus-Scanner",
    VSCANNER, 1))
show("inserted elsewhere", mt.eom_check(conn, MT_HDRINSERT, "X-Vigil-Result",
    "clean", 1))
show("body changed", mt.eom_check(conn, MT_BODYCHANGE))
show("quarantined", mt.eom_check(conn, MT_QUARANTINE))

-- only delivery fields, which the marks go after: appended at the end
show("reply", send(conn, "QCLEAN2", { "user@example.com" },
    { { "Return-Path", "<sender@example.org>" } }, "Short.\r\n"))
show("added", mt.eom_check(conn, MT_HDRADD, "X-Vigil-Result", "clean"))
show("added", mt.eom_check(conn, MT_HDRADD, "X-Virus-Scanner", VSCANNER))
show("inserted", mt.eom_check(conn, MT_HDRINSERT))
mt.disconnect(conn)
