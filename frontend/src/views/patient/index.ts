// Patient screens.
import { route } from "../../router";
import { editDayView, historyView } from "./history";
import { notificationsView } from "./notifications";
import { recoveryView } from "./recovery";
import { screeningView } from "./screening";
import { todayView } from "./today";

export function registerPatientRoutes(): void {
  route("/today", todayView);
  route("/history", historyView);
  route("/checkin/:date", editDayView);
  route("/recovery", recoveryView);
  route("/notifications", notificationsView);
  route("/screening", screeningView);
}
