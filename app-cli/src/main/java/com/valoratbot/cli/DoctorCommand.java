package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DoctorReport;
import picocli.CommandLine.Command;

@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description =
                "Check (read-only) connectivity, route, table, Supabase exposure, LISTEN, backlog and live workers; exit 1 on any problem.")
final class DoctorCommand extends DatabaseCommand {

    @Override
    int run(Database db, CommandAdmin admin) {
        DoctorReport report = admin.doctor();
        report.lines().forEach(out()::println);
        return report.healthy() ? 0 : ValoratbotCli.FAILED;
    }
}
