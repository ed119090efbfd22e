// Turn a <select data-cascade="town"> of villages grouped by town into two linked selects.
// Without this file the grouped select works on its own.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-cascade]").forEach((villages) => {
    const groups = Array.from(villages.querySelectorAll("optgroup")).map((group) => ({
      label: group.label,
      options: Array.from(group.querySelectorAll("option")).map((o) => o.cloneNode(true)),
    }));
    if (!groups.length) return;
    const placeholder = villages.querySelector("option[value='']");
    const town = document.createElement("select");
    town.id = `${villages.id}-town`;
    town.setAttribute("aria-label", villages.dataset.townLabel || "镇/街道");
    town.className = "cascade-town";
    town.append(new Option(placeholder ? placeholder.textContent : "", ""));
    groups.forEach((g, i) => town.append(new Option(g.label, String(i))));

    const fill = (index, keep) => {
      villages.replaceChildren();
      if (placeholder) villages.append(placeholder.cloneNode(true));
      if (index === "") return;
      groups[Number(index)].options.forEach((o) => villages.append(o.cloneNode(true)));
      if (keep) villages.value = keep;
    };
    const chosen = villages.value;
    const start = groups.findIndex((g) => g.options.some((o) => o.value === chosen && chosen));
    town.value = start >= 0 ? String(start) : "";
    fill(town.value, chosen);
    town.addEventListener("change", () => fill(town.value, ""));
    villages.before(town);
  });
});
