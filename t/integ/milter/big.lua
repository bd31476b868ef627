-- big.lua - a 20 MB message, spooled to a file: clean (marked) and with
-- the test signature in its last line (rejected)
dofile(LIB)
mt.set_timeout(120)
local conn = vconnect()

show("big clean", send(conn, "QBIG1", { "user@example.com" }, HDRS,
    { file = "big-clean.body" }))
show("big clean X-Vigil-Result", mt.getheader(conn, "X-Vigil-Result", 0))
show("big clean body changed", mt.eom_check(conn, MT_BODYCHANGE))
show("big infected", send(conn, "QBIG2", { "user@example.com" }, HDRS,
    { file = "big-virus.body" }))
show("big infected 554 5.7.1", mt.eom_check(conn, MT_SMTPREPLY, "554",
    "5.7.1", "Virus found: Vigil.Test.Signature"))
mt.disconnect(conn)
