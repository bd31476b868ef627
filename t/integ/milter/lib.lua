-- lib.lua - what the vigil-milter scripts share (loaded with dofile(LIB))
--
-- The test (t/integ/86-vigil-milter.t) runs miltertest with -D SOCK=the
-- filter's socket, -D DATA=its scratch directory and -D LIB=this file.
-- Scripts print what they observe with mt.echo(); the test compares the
-- output line for line, so every check here is a line, not an assert.

-- must - stop the script when a miltertest step fails
function must(what, err)
	if err ~= nil then
		error(what .. ": " .. tostring(err))
	end
end

-- vconnect - a connection past HELO, as an MTA opens it
function vconnect()
	local conn = mt.connect(SOCK, 100, 0.05)

	if conn == nil then
		error("mt.connect(" .. SOCK .. ") failed")
	end
	must("conninfo", mt.conninfo(conn, "client.example.org", "192.0.2.1"))
	must("helo", mt.helo(conn, "client.example.org"))
	return conn
end

local replies = {
	[SMFIR_CONTINUE] = "continue",
	[SMFIR_ACCEPT] = "accept",
	[SMFIR_REJECT] = "reject",
	[SMFIR_TEMPFAIL] = "tempfail",
	[SMFIR_DISCARD] = "discard",
	[SMFIR_REPLYCODE] = "replycode",
}

-- reply - the filter's last answer as a word
function reply(conn)
	local r = mt.getreply(conn)

	return replies[r] or ("reply " .. tostring(r))
end

-- readfile - the bytes of a file under DATA
function readfile(name)
	local f = assert(io.open(DATA .. "/" .. name, "rb"))
	local s = f:read("a")

	f:close()
	return s
end

-- send - one message up to its end; body is a string or {file = NAME}
-- (a file under DATA, sent in chunks); returns the filter's answer
function send(conn, qid, rcpts, headers, body)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	must("mailfrom", mt.mailfrom(conn, "<sender@example.org>"))
	for _, r in ipairs(rcpts) do
		must("rcptto", mt.rcptto(conn, "<" .. r .. ">"))
	end
	for _, h in ipairs(headers) do
		must("header", mt.header(conn, h[1], h[2]))
	end
	must("eoh", mt.eoh(conn))
	if type(body) == "table" then
		must("bodyfile", mt.bodyfile(conn, DATA .. "/" .. body.file))
	elseif body ~= "" then
		must("bodystring", mt.bodystring(conn, body))
	end
	must("eom", mt.eom(conn))
	return reply(conn)
end

-- show - one line of output: a label and a value
function show(label, value)
	mt.echo(label .. ": " .. tostring(value))
end

EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
HDRS = { { "From", "a@example.org" }, { "To", "user@example.com" },
    { "Subject", "hello" } }
