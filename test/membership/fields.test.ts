// Proves custom member fields on a real SQLite file: defining fields refuses bad input with stable
// codes; answers are checked per kind (text, date, choice, checkbox) and requiredness, all before
// anything is written (a refusal leaves the stored answers as they were); an empty answer removes
// the row; a deactivated field is no longer asked but its answers stay.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isAppError } from "../../src/kernel/index.ts";
import { findMemberField, insertMember, listMemberFields, memberFieldValues, saveMemberField, setMemberFieldValues, type MemberFieldInput } from "../../src/membership/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";

let box: TestBox;
beforeAll(async () => {
  box = testBox();
  await setUp(box);
});
afterAll(() => box.dispose());

function refusal(run: () => unknown): { code: string; details: unknown } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error("expected a refusal");
}

const save = (input: MemberFieldInput) => box.writer.transact((tx) => saveMemberField(tx, box.deps, input));
const setValues = (memberId: string, values: Record<string, string>) => box.writer.transact((tx) => setMemberFieldValues(tx, memberId, values));

describe("defining fields", () => {
  test("bad definitions are refused with stable codes and write nothing", () => {
    const before = listMemberFields(box.sqlite).length;
    expect(refusal(() => save({ label: " ", kind: "text" })).code).toBe("field_label_required");
    expect(refusal(() => save({ label: "Taille", kind: "number" })).code).toBe("field_kind_invalid");
    expect(refusal(() => save({ label: "Collège", kind: "choice", options: [" ", ""] })).code).toBe("field_options_invalid");
    expect(refusal(() => save({ label: "Collège", kind: "choice", options: ["A", "A"] })).code).toBe("field_options_invalid");
    expect(refusal(() => save({ id: "nope", label: "X", kind: "text" })).code).toBe("member_field_unknown");
    expect(listMemberFields(box.sqlite)).toHaveLength(before);
  });

  test("a field keeps its kind; options are trimmed; order by position", () => {
    const second = save({ label: "Bénévole ?", kind: "checkbox", position: 2, options: ["ignored"] });
    const first = save({ label: "Collège", kind: "choice", options: [" Fondateurs ", "Usagers", ""], position: 1 });
    expect(first.options).toEqual(["Fondateurs", "Usagers"]);
    expect(second.options).toEqual([]);
    expect(refusal(() => save({ id: first.id, label: "Collège", kind: "text" })).code).toBe("field_kind_invalid");
    const ids = listMemberFields(box.sqlite).map((field) => field.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    expect(findMemberField(box.sqlite, first.id)).toEqual(first);
  });
});

describe("answers", () => {
  test("each kind is checked; a refusal names the field and writes nothing", () => {
    const birth = save({ label: "Naissance", kind: "date", required: true, position: 10 });
    const college = save({ label: "Collège adhérent", kind: "choice", options: ["A", "B"], position: 11 });
    const volunteer = save({ label: "Bénévole", kind: "checkbox", position: 12 });
    const address = save({ label: "Adresse", kind: "text", position: 13 });
    const member = box.writer.transact((tx) => insertMember(tx, box.deps.newId, { name: "Fatou Fields" }, "wallet-fatou"));
    const good = { [birth.id]: "1990-02-28", [college.id]: "B", [volunteer.id]: "on", [address.id]: " 3 rue Haute " };
    setValues(member.id, good);
    expect(memberFieldValues(box.sqlite, member.id)).toMatchObject({ [birth.id]: "1990-02-28", [college.id]: "B", [volunteer.id]: "1", [address.id]: "3 rue Haute" });

    const stored = memberFieldValues(box.sqlite, member.id);
    expect(refusal(() => setValues(member.id, { ...good, [birth.id]: "" }))).toEqual({ code: "field_required", details: { field: birth.id } });
    expect(refusal(() => setValues(member.id, { ...good, [birth.id]: "1990-02-30" }))).toEqual({ code: "field_value_invalid", details: { field: birth.id } });
    expect(refusal(() => setValues(member.id, { ...good, [college.id]: "C" })).code).toBe("field_value_invalid");
    expect(refusal(() => setValues(member.id, { ...good, [address.id]: "x".repeat(1_001) })).code).toBe("field_value_invalid");
    expect(memberFieldValues(box.sqlite, member.id)).toEqual(stored);

    // An unticked checkbox and an empty optional answer remove their rows.
    setValues(member.id, { [birth.id]: "1990-02-28", [college.id]: "" });
    const after = memberFieldValues(box.sqlite, member.id);
    expect(after[birth.id]).toBe("1990-02-28");
    expect(after[college.id]).toBeUndefined();
    expect(after[volunteer.id]).toBeUndefined();

    // Deactivated: no longer required nor asked, its answer kept.
    save({ id: birth.id, label: "Naissance", kind: "date", required: true, active: false });
    setValues(member.id, {});
    expect(memberFieldValues(box.sqlite, member.id)[birth.id]).toBe("1990-02-28");
    expect(listMemberFields(box.sqlite, { activeOnly: true }).map((field) => field.id)).not.toContain(birth.id);
  });
});
