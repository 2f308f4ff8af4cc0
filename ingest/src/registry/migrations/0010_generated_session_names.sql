-- 0010 (issue 14, zh-CN): a session name the server made up is marked by a code, so consoles word it in
-- their language instead of recognising English text: 'home' ("Home session"), 'class' ("Class session"),
-- 'homeOf' ("Home session — {alias}", the demo seed's, with the alias kept beside it). A typed name has none.
ALTER TABLE sessions
  ADD COLUMN name_code text CONSTRAINT sessions_name_code_known CHECK (name_code IN ('home', 'class', 'homeOf')),
  ADD COLUMN name_alias text CONSTRAINT sessions_name_alias_length CHECK (length(name_alias) BETWEEN 1 AND 200),
  ADD CONSTRAINT sessions_name_alias_code CHECK ((name_alias IS NOT NULL) = (name_code = 'homeOf'));

-- Sessions made before the marker: the server's own wording is recognised once, here.
UPDATE sessions SET name_code = 'home' WHERE kind = 'home' AND name = 'Home session';
UPDATE sessions SET name_code = 'class' WHERE kind = 'class' AND name = 'Class session';
UPDATE sessions SET name_code = 'homeOf', name_alias = substr(name, length('Home session — ') + 1)
  WHERE kind = 'home' AND name LIKE 'Home session — _%';
