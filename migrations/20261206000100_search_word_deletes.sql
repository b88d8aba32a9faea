-- A typed word's spellings one edit away (a letter dropped, added or changed,
-- or two neighbours swapped), found through an index in the same query that
-- corrects the word. Two words one edit apart always share a spelling with at
-- most one letter dropped (the symmetric-delete method), so the table's words
-- are indexed under those spellings; the few words two edits away that share
-- one too are told apart by the code.
create function hm_deletes(text) returns text[]
    language sql immutable strict parallel safe
    return array(select $1 union select substr($1, 1, i - 1) || substr($1, i + 1) from generate_series(1, length($1)) i);

create index search_words_deletes_idx on search_words using gin (hm_deletes(word));
