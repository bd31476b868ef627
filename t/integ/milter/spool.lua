-- spool.lua - a filter whose tmp_dir does not exist: what fits in
-- spool_memory passes, a larger message is deferred (the spool failed)
dofile(LIB)
local conn = vconnect()

show("in memory", send(conn, "QMEM", { "user@example.com" }, HDRS,
    "Just text.\r\n"))
show("in memory X-Vigil-Result", mt.getheader(conn, "X-Vigil-Result", 0))
show("over spool_memory", send(conn, "QFILE", { "user@example.com" }, HDRS,
    { file = "100k.body" }))
show("over spool_memory 451 4.7.1", mt.eom_check(conn, MT_SMTPREPLY, "451",
    "4.7.1", "Temporary failure: message not scanned, try again later"))
mt.disconnect(conn)
