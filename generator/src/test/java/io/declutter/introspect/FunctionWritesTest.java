package io.declutter.introspect;

import io.declutter.introspect.FunctionWrites.Result;
import io.declutter.introspect.FunctionWrites.Target;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionWritesTest {

    private static Target t(String name) {
        return new Target(Optional.empty(), name);
    }

    private static Target t(String schema, String name) {
        return new Target(Optional.of(schema), name);
    }

    @Test
    void readsTheTargetsOfInsertUpdateDeleteAndMerge() {
        Result r = FunctionWrites.read("plpgsql", """
                begin
                  insert into deleted_records (tbl, id) values (tg_table_name, old.id);
                  UPDATE ONLY app.Counters AS c SET n = n - 1 WHERE c.id = old.counter_id;
                  delete from "Orphan Tags" t where t.owner = old.id;
                  merge into stats s using (select 1) x on true when matched then update set n = 0
                    when not matched then insert (n) values (0);
                  return old;
                end""");
        assertThat(r.targets()).containsExactly(t("deleted_records"), t("app", "counters"), t("Orphan Tags"),
                t("stats"));
        assertThat(r.unknown()).isEmpty();
    }

    @Test
    void ignoresCommentsStringsAndLockingClauses() {
        Result r = FunctionWrites.read("plpgsql", """
                declare x int;
                begin
                  -- insert into commented_out values (1);
                  /* delete from block /* nested */ comment */
                  raise notice 'update audit set x = 1; insert into msg';
                  raise notice E'it\\'s delete from escaped';
                  raise notice $q$ insert into dollar $q$;
                  select id into x from things where id = old.id for update;
                  select id into x from things for no key update of things;
                  insert into log (a) values (1) on conflict (a) do update set a = excluded.a;
                  return old;
                end""");
        assertThat(r.targets()).containsExactly(t("log"));
        assertThat(r.unknown()).isEmpty();
    }

    @Test
    void dynamicSqlAndCallsMakeTheResultUnknown() {
        Result r = FunctionWrites.read("plpgsql", """
                begin
                  execute format('delete from %I where id = $1', tg_argv[0]) using old.id;
                  perform pg_notify('deleted', old.id::text);
                  perform audit.write_row(old);
                  insert into outbox values (old.id);
                  return old;
                end""");
        assertThat(r.targets()).containsExactly(t("outbox"));
        assertThat(r.unknown()).hasValue("it runs dynamic SQL (EXECUTE); it calls audit.write_row(), whose writes"
                + " are not followed");
    }

    @Test
    void otherLanguagesAreUnknown() {
        assertThat(FunctionWrites.read("c", "whatever").unknown()).hasValue(
                "its function is written in c, whose body declutter does not read");
        assertThat(FunctionWrites.read("plpgsql", null).unknown()).isPresent();
    }

    @Test
    void sqlFunctionsAndRuleDefinitionsAreRead() {
        assertThat(FunctionWrites.read("sql", "insert into public.audit select $1; update t set a = $2")
                .targets()).isEqualTo(List.of(t("public", "audit"), t("t")));
        assertThat(FunctionWrites.read("sql", "CREATE RULE r AS ON DELETE TO public.a DO ALSO"
                + " INSERT INTO public.gone (id) VALUES (old.id);").targets()).containsExactly(t("public", "gone"));
    }
}
